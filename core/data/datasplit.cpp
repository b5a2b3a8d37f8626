#include "data/datasplit.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace lepton {

namespace {

// Fisher-Yates with our own index draw: std::shuffle's sequence differs
// between standard libraries, and a split must be the same everywhere.
void shuffle(std::vector<int64_t>& items, std::mt19937_64& rng)
{
    for (size_t i = items.size(); i > 1; --i)
        std::swap(items[i - 1], items[static_cast<size_t>(rng() % i)]);
}

// How many samples of each stratum a part of `fraction` takes: the total is
// round(fraction * all), shared by largest remainder so that rounding every
// class up does not grow the part.
std::vector<int64_t> heldOut(double fraction, const std::vector<std::vector<int64_t>>& strata)
{
    std::vector<int64_t> counts(strata.size(), 0);
    std::vector<std::pair<double, size_t>> remainders;
    int64_t all = 0;
    int64_t given = 0;
    for (size_t i = 0; i < strata.size(); ++i) {
        const double exact = fraction * double(strata[i].size());
        counts[i] = static_cast<int64_t>(std::floor(exact));
        given += counts[i];
        all += static_cast<int64_t>(strata[i].size());
        remainders.emplace_back(exact - double(counts[i]), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const int64_t total = std::llround(fraction * double(all));
    for (size_t i = 0; given < total && i < remainders.size(); ++i, ++given)
        ++counts[remainders[i].second];
    return counts;
}

// Moves the first `count` items of `from` to the end of `to`.
void take(std::vector<int64_t>& from, int64_t count, std::vector<int64_t>& to)
{
    count = std::min<int64_t>(count, static_cast<int64_t>(from.size()));
    to.insert(to.end(), from.begin(), from.begin() + count);
    from.erase(from.begin(), from.begin() + count);
}

} // namespace

SplitIndices splitIndices(const Dataset& data, const SplitSettings& settings)
{
    std::mt19937_64 rng(settings.seed);
    const bool stratified = settings.stratify && data.task == TaskType::Classification;
    std::vector<std::vector<int64_t>> strata(stratified ? static_cast<size_t>(data.numClasses) : 1);
    for (int64_t i = 0; i < data.size(); ++i)
        strata[stratified ? static_cast<size_t>(data.labels[static_cast<size_t>(i)]) : 0].push_back(i);

    const std::vector<int64_t> tests = heldOut(settings.test, strata);
    const std::vector<int64_t> validations = heldOut(settings.validation, strata);
    SplitIndices split;
    for (size_t i = 0; i < strata.size(); ++i) {
        shuffle(strata[i], rng);
        take(strata[i], tests[i], split.test);
        take(strata[i], validations[i], split.validation);
        split.train.insert(split.train.end(), strata[i].begin(), strata[i].end());
    }
    // A tiny fraction can round to nothing: a requested part still gets a sample.
    for (auto [fraction, part] : {std::pair{settings.test, &split.test},
                                  std::pair{settings.validation, &split.validation}}) {
        if (fraction > 0.0 && part->empty() && split.train.size() > 1) {
            part->push_back(split.train.back());
            split.train.pop_back();
        }
    }
    // Parts come out grouped by class; shuffle them so batches are not.
    for (std::vector<int64_t>* part : {&split.train, &split.validation, &split.test})
        shuffle(*part, rng);
    return split;
}

PreparedData prepareData(const DatasetSpec& spec, const DataLoadContext& context)
{
    DatasetSplits loaded = loadDataset(spec, context);
    if (context.stopRequested())
        throw DataCancelled();
    SplitSettings settings = splitSettings(spec);
    if (loaded.test && settings.test > 0.0)
        throw DataError("dataset.split.test: the data has its own test set, so no test fraction is"
                        " held out of the training data; set it to 0");
    PreparedData prepared;
    prepared.split = splitIndices(loaded.train, settings);
    if (prepared.split.train.empty())
        throw DataError(loaded.train.name + ": no samples are left to train on after the split");
    prepared.scaling = fitScaling(loaded.train, prepared.split.train, normalization(spec));
    prepared.data = std::move(loaded.train);
    prepared.test = std::move(loaded.test);
    return prepared;
}

} // namespace lepton
