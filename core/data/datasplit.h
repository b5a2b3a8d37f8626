#pragma once

#include "data/datasetspec.h"
#include "data/featurescaling.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace lepton {

// Sample indices of each part of a split.
struct SplitIndices {
    std::vector<int64_t> train;
    std::vector<int64_t> validation;
    std::vector<int64_t> test;
};

// Deterministic for a seed on every platform. A part holds round(fraction *
// n) samples, at least one when its fraction is above 0; stratified splits
// (labelled data only) give each class its share of every part.
SplitIndices splitIndices(const Dataset& data, const SplitSettings& settings);

// The data a run trains on: one dataset, split by index (the parts are
// never copies, so a mapped file stays in its file), and the normalization
// fitted on the training part.
struct PreparedData {
    Dataset data;
    SplitIndices split; // into `data`; `split.test` is empty when `test` is set
    std::optional<Dataset> test; // the source's own held-out set
    FeatureScaling scaling;
};

// Loads, splits and fits the normalization. Throws DataError (DataCancelled
// once context.stop is set).
PreparedData prepareData(const DatasetSpec& spec, const DataLoadContext& context);

} // namespace lepton
