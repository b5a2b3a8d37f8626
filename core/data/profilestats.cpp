#include "data/profilestats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lepton {

namespace {

constexpr int64_t kFewSamples = 10;
constexpr double kImbalanceRatio = 10.0;
constexpr double kRareShare = 0.01;
constexpr size_t kListedClasses = 5;

} // namespace

void Moments::add(double value)
{
    ++count;
    const double delta = value - mean;
    mean += delta / double(count);
    m2 += delta * (value - mean);
    min = std::min(min, value);
    max = std::max(max, value);
}

void Moments::merge(const Moments& other)
{
    if (other.count == 0)
        return;
    if (count == 0) {
        *this = other;
        return;
    }
    const double total = double(count + other.count);
    const double delta = other.mean - mean;
    mean += delta * double(other.count) / total;
    m2 += other.m2 + delta * delta * double(count) * double(other.count) / total;
    count += other.count;
    min = std::min(min, other.min);
    max = std::max(max, other.max);
}

void Moments::store(ColumnStats& stats) const
{
    stats.count = count;
    if (count == 0) {
        stats.min = stats.max = stats.mean = stats.std = std::numeric_limits<double>::quiet_NaN();
        return;
    }
    stats.min = min;
    stats.max = max;
    stats.mean = mean;
    stats.std = count > 1 ? std::sqrt(m2 / double(count - 1)) : 0.0;
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
