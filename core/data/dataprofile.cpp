#include "data/dataprofile.h"
#include "data/profilestats.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_set>

namespace lepton {

namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kListedFeatures = 64;
constexpr size_t kListedItems = 5;
constexpr size_t kMaxCompared = 64; // as for table rows: bounded time on crafted collisions
constexpr size_t kMaxTokenDistinct = 1'000'000;
constexpr int64_t kMaxClasses = 1'000'000;
constexpr size_t kLazyProfileSamples = 2000;

Json number(double value)
{
    return std::isfinite(value) ? Json(value) : Json(nullptr);
}

// One group of values: an image channel, one feature of a vector, or all
// values at once (token ids, other ranks).
struct GroupStats {
    Moments moments;
    int64_t missing = 0;
    std::array<int64_t, 256> byteCounts{}; // byte features: an exact histogram
};

// Moments of a block of floats in two passes (mean, then squared distances):
// stable, and no division per value as in Welford's update.
Moments blockMoments(const float* values, int64_t count, int64_t& missing)
{
    Moments block;
    double sum = 0;
    for (int64_t i = 0; i < count; ++i) {
        const double value = values[i];
        if (std::isnan(value)) {
            ++missing;
            continue;
        }
        sum += value;
        ++block.count;
        block.min = std::min(block.min, value);
        block.max = std::max(block.max, value);
    }
    if (block.count == 0)
        return block;
    block.mean = sum / double(block.count);
    for (int64_t i = 0; i < count; ++i) {
        const double distance = values[i] - block.mean;
        block.m2 += std::isnan(distance) ? 0.0 : distance * distance;
    }
    return block;
}

// Bytes read as Dataset::feature reads them: byte / 255 in float.
Moments histogramMoments(const std::array<int64_t, 256>& counts)
{
    Moments all;
    for (int byte = 0; byte < 256; ++byte) {
        if (counts[size_t(byte)] == 0)
            continue;
        Moments one;
        one.count = counts[size_t(byte)];
        one.mean = one.min = one.max = double(float(byte) * (1.0f / 255.0f));
        all.merge(one);
    }
    return all;
}

std::string groupName(const Dataset& dataset, int64_t group)
{
    if (dataset.featureDType == DType::Int64)
        return "token ids";
    if (dataset.featureShape.size() == 3)
        return "channel " + std::to_string(group);
    if (dataset.featureShape.size() == 1)
        return "feature " + std::to_string(group);
    return "values";
}

void featureStats(const Dataset& dataset, DataProfile& profile)
{
    const Shape& shape = dataset.featureShape;
    const int64_t samples = dataset.size();
    const int64_t perSample = dataset.featuresPerSample();
    const bool tokens = dataset.featureDType == DType::Int64;
    const bool channels = !tokens && shape.size() == 3;
    const bool vectors = !tokens && shape.size() == 1;
    const bool bytes = dataset.storesBytes();

    int64_t groupCount = 1;
    if (channels) {
        groupCount = shape[0];
    } else if (vectors) {
        groupCount = std::min(perSample, kListedFeatures);
        if (perSample > kListedFeatures)
            profile.notes.push_back("statistics of the first " + std::to_string(kListedFeatures) + " of "
                                    + std::to_string(perSample) + " features");
    }
    std::vector<GroupStats> groups(static_cast<size_t>(groupCount));
    // Vector features are single values spread over the samples; channels
    // and whole samples are contiguous blocks.
    const int64_t block = vectors ? 1 : perSample / std::max<int64_t>(groupCount, 1);
    for (int64_t sample = 0; sample < samples; ++sample) {
        for (int64_t group = 0; group < groupCount; ++group) {
            GroupStats& stats = groups[size_t(group)];
            const auto begin = size_t(sample * perSample + group * block);
            if (bytes) {
                for (size_t i = begin; i < begin + size_t(block); ++i)
                    ++stats.byteCounts[dataset.byteData()[i]];
            } else if (vectors) {
                const float value = dataset.floatData()[begin];
                if (std::isnan(value))
                    ++stats.missing;
                else
                    stats.moments.add(value);
            } else {
                stats.moments.merge(blockMoments(dataset.floatData() + begin, block, stats.missing));
            }
        }
    }
    std::unordered_set<int64_t> ids; // token ids: distinct counted exactly up to a cap
    if (tokens) {
        for (size_t i = 0; i < size_t(samples * perSample) && ids.size() < kMaxTokenDistinct; ++i)
            ids.insert(int64_t(dataset.floatData()[i]));
    }
    for (int64_t group = 0; group < groupCount; ++group) {
        GroupStats& values = groups[size_t(group)];
        ColumnStats stats;
        stats.name = groupName(dataset, group);
        stats.kind = channels ? "image" : "array";
        if (bytes)
            values.moments = histogramMoments(values.byteCounts);
        storeMoments(values.moments, stats);
        stats.missing = values.missing;
        stats.distinct = -1;
        if (bytes)
            stats.distinct = std::count_if(values.byteCounts.begin(), values.byteCounts.end(),
                                           [](int64_t count) { return count > 0; });
        else if (tokens && ids.size() < kMaxTokenDistinct)
            stats.distinct = int64_t(ids.size());
        profile.columns.push_back(std::move(stats));
    }
}

std::string_view sampleBytes(const Dataset& dataset, int64_t sample)
{
    const auto perSample = size_t(dataset.featuresPerSample());
    if (dataset.storesBytes())
        return {reinterpret_cast<const char*>(dataset.byteData()) + size_t(sample) * perSample, perSample};
    return {reinterpret_cast<const char*>(dataset.floatData() + size_t(sample) * perSample),
            perSample * sizeof(float)};
}

int64_t duplicateSamples(const Dataset& dataset)
{
    std::vector<std::pair<size_t, int64_t>> hashes(size_t(dataset.size()));
    for (size_t i = 0; i < hashes.size(); ++i)
        hashes[i] = {std::hash<std::string_view>()(sampleBytes(dataset, int64_t(i))), int64_t(i)};
    std::sort(hashes.begin(), hashes.end());
    int64_t duplicates = 0;
    for (size_t begin = 0; begin < hashes.size();) {
        size_t end = begin + 1;
        while (end < hashes.size() && hashes[end].first == hashes[begin].first)
            ++end;
        std::vector<std::string_view> distinct;
        for (size_t i = begin; i < end; ++i) {
            const std::string_view bytes = sampleBytes(dataset, hashes[i].second);
            if (std::find(distinct.begin(), distinct.end(), bytes) != distinct.end())
                ++duplicates;
            else if (distinct.size() < kMaxCompared)
                distinct.push_back(bytes);
        }
        begin = end;
    }
    return duplicates;
}

// Features of a vector dataset that hold one value in every sample.
std::vector<int64_t> constantFeatures(const Dataset& dataset)
{
    const int64_t perSample = dataset.featuresPerSample();
    std::vector<bool> varies(static_cast<size_t>(perSample));
    for (int64_t sample = 1; sample < dataset.size(); ++sample) {
        for (int64_t i = 0; i < perSample; ++i) {
            if (dataset.feature(sample * perSample + i) != dataset.feature(i))
                varies[size_t(i)] = true;
        }
    }
    std::vector<int64_t> constant;
    for (int64_t i = 0; i < perSample; ++i) {
        if (!varies[size_t(i)])
            constant.push_back(i);
    }
    return constant;
}

void addIssue(DataProfile& profile, std::string kind, std::string message, std::string column = {})
{
    QualityIssue issue;
    issue.kind = std::move(kind);
    issue.message = std::move(message);
    issue.column = std::move(column);
    profile.issues.push_back(std::move(issue));
}

void datasetIssues(const Dataset& dataset, std::vector<std::string> unreadable, DataProfile& profile)
{
    for (const ColumnStats& stats : profile.columns) {
        if (stats.missing > 0)
            addIssue(profile, "missing_values",
                     stats.name + ": " + std::to_string(stats.missing) + " of " + std::to_string(stats.count + stats.missing)
                         + " values are not numbers (" + percent(stats.missing, stats.count + stats.missing) + ")",
                     stats.name);
    }
    if (const int64_t duplicates = duplicateSamples(dataset))
        addIssue(profile, "duplicate_rows",
                 std::to_string(duplicates) + " of " + std::to_string(dataset.size())
                     + " samples repeat an earlier sample (" + percent(duplicates, dataset.size()) + ")");
    if (dataset.featureShape.size() == 1 && dataset.featureDType == DType::Float32 && dataset.size() > 1) {
        const std::vector<int64_t> constant = constantFeatures(dataset);
        std::string list;
        for (size_t k = 0; k < constant.size() && k < kListedItems; ++k)
            list += (k ? ", " : "") + std::to_string(constant[k]);
        if (!constant.empty())
            addIssue(profile, "constant_column",
                     std::to_string(constant.size()) + " of " + std::to_string(dataset.featuresPerSample())
                         + " features hold the same value in every sample (" + list
                         + (constant.size() > kListedItems ? ", ...)" : ")"));
    } else if (dataset.featureShape.size() == 3 && dataset.size() > 1) {
        for (const ColumnStats& stats : profile.columns) {
            if (stats.count > 0 && stats.min == stats.max)
                addIssue(profile, "constant_column", stats.name + " holds the same value everywhere", stats.name);
        }
    }
    unreadable.insert(unreadable.end(), dataset.unreadable.begin(), dataset.unreadable.end());
    if (!unreadable.empty()) {
        std::string list;
        for (size_t k = 0; k < unreadable.size() && k < kListedItems; ++k)
            list += (k ? "; " : "") + unreadable[k];
        addIssue(profile, "unreadable_images",
                 std::to_string(unreadable.size()) + (unreadable.size() == 1 ? " file was" : " files were")
                     + " skipped as unreadable: " + list + (unreadable.size() > kListedItems ? "; ..." : ""));
    }
}

} // namespace

Json DataProfile::toJson() const
{
    Json json;
    json["rows"] = rows;
    json["columns"] = Json::array();
    for (const ColumnStats& stats : columns) {
        json["columns"].push_back({{"name", stats.name},
                                   {"kind", stats.kind},
                                   {"count", stats.count},
                                   {"missing", stats.missing},
                                   {"distinct", stats.distinct},
                                   {"min", number(stats.min)},
                                   {"max", number(stats.max)},
                                   {"mean", number(stats.mean)},
                                   {"std", number(stats.std)}});
    }
    json["classes"] = Json::array();
    for (size_t i = 0; i < classNames.size() && i < classCounts.size(); ++i)
        json["classes"].push_back({{"name", classNames[i]}, {"count", classCounts[i]}});
    json["issues"] = Json::array();
    for (const QualityIssue& issue : issues) {
        json["issues"].push_back({{"kind", issue.kind},
                                  {"message", issue.message},
                                  {"column", issue.column},
                                  {"fix", Json(issue.fix)},
                                  {"fixLabel", issue.fixLabel}});
    }
    json["notes"] = notes;
    return json;
}

DataProfile profileDataset(const Dataset& dataset, const std::vector<std::string>& unreadable)
{
    DataProfile profile;
    profile.rows = dataset.size();
    const auto values = size_t(dataset.size()) * size_t(dataset.featuresPerSample());
    if (!dataset.isLazy() && dataset.storedValues() < values)
        throw DataError(dataset.name + ": the features hold fewer values than " + std::to_string(dataset.size())
                        + " samples of " + shapeToString(dataset.featureShape));
    // A lazy dataset's features are judged on an evenly spaced subset: making
    // every sample would cost a whole epoch.
    std::optional<Dataset> subset;
    if (dataset.isLazy()) {
        std::vector<int64_t> all(size_t(dataset.size()));
        std::iota(all.begin(), all.end(), int64_t(0));
        subset = inMemorySubset(dataset, evenlySpaced(all, kLazyProfileSamples));
        subset->unreadable = dataset.unreadable;
        profile.notes.push_back("value statistics and duplicates from " + std::to_string(subset->size()) + " of "
                                + std::to_string(dataset.size())
                                + " samples, evenly spaced: the rest are decoded only when a batch needs them");
    }
    const Dataset& features = subset ? *subset : dataset;
    featureStats(features, profile);

    if (dataset.task == TaskType::Classification && dataset.numClasses > 0 && dataset.numClasses <= kMaxClasses) {
        for (int64_t k = 0; k < dataset.numClasses; ++k)
            profile.classNames.push_back(size_t(dataset.numClasses) == dataset.classNames.size()
                                             ? dataset.classNames[size_t(k)]
                                             : std::to_string(k));
        profile.classCounts.assign(size_t(dataset.numClasses), 0);
        for (int64_t label : dataset.labels) {
            if (label >= 0 && label < dataset.numClasses)
                ++profile.classCounts[size_t(label)];
        }
    } else if (dataset.task == TaskType::Regression) {
        Moments moments;
        ColumnStats stats;
        for (float value : dataset.targets) {
            if (std::isnan(value))
                ++stats.missing;
            else
                moments.add(value);
        }
        stats.name = "target";
        stats.kind = "numeric";
        stats.distinct = -1;
        storeMoments(moments, stats);
        profile.columns.push_back(std::move(stats));
    }
    datasetIssues(features, unreadable, profile);
    addClassIssues(profile, {});
    return profile;
}

} // namespace lepton
