#include "data/profilestats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace lepton {

namespace {

constexpr int64_t kFewSamples = 10;
constexpr double kImbalanceRatio = 10.0;
constexpr double kRareShare = 0.01;
constexpr size_t kListedClasses = 5;

} // namespace

void storeMoments(const Moments& moments, ColumnStats& stats)
{
    stats.count = moments.count;
    if (moments.count == 0) {
        stats.min = stats.max = stats.mean = stats.std = std::numeric_limits<double>::quiet_NaN();
        return;
    }
    stats.min = moments.min;
    stats.max = moments.max;
    stats.mean = moments.mean;
    stats.std = moments.sampleStd();
}

std::string percent(int64_t part, int64_t whole)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", whole > 0 ? 100.0 * double(part) / double(whole) : 0.0);
    return text;
}

void addClassIssues(DataProfile& profile, const std::string& column)
{
    const std::vector<int64_t>& counts = profile.classCounts;
    if (counts.size() < 2)
        return;
    int64_t total = 0;
    for (int64_t count : counts)
        total += count;
    const auto largest = size_t(std::max_element(counts.begin(), counts.end()) - counts.begin());
    const auto smallest = size_t(std::min_element(counts.begin(), counts.end()) - counts.begin());
    const auto& names = profile.classNames;
    const double ratio = double(counts[largest]) / double(std::max<int64_t>(counts[smallest], 1));
    if (ratio >= kImbalanceRatio || double(counts[smallest]) < kRareShare * double(total)) {
        char ratioText[32];
        std::snprintf(ratioText, sizeof ratioText, "%.0f:1", ratio);
        QualityIssue issue;
        issue.kind = "class_imbalance";
        issue.column = column;
        issue.message = "classes are imbalanced: '" + names[largest] + "' has " + std::to_string(counts[largest])
            + " samples, '" + names[smallest] + "' " + std::to_string(counts[smallest]) + " ("
            + percent(counts[smallest], total) + ", " + ratioText
            + "); split stratified and weight the classes";
        issue.fixLabel = "Use a stratified split and class weights";
        profile.issues.push_back(std::move(issue));
    }

    std::vector<size_t> few;
    for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] < kFewSamples)
            few.push_back(i);
    }
    if (!few.empty()) {
        std::string list;
        for (size_t k = 0; k < few.size() && k < kListedClasses; ++k)
            list += (k ? ", '" : "'") + names[few[k]] + "' (" + std::to_string(counts[few[k]]) + ")";
        if (few.size() > kListedClasses)
            list += ", ...";
        QualityIssue issue;
        issue.kind = "too_few_samples";
        issue.column = column;
        issue.message = std::to_string(few.size()) + (few.size() == 1 ? " class has" : " classes have")
            + " fewer than " + std::to_string(kFewSamples) + " samples: " + list
            + "; collect more or merge classes";
        profile.issues.push_back(std::move(issue));
    }
}

} // namespace lepton
