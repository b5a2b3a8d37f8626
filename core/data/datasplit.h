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

// Deterministic for a seed on every platform. Stratified splits (labelled
// data only) hold out round(fraction * n) samples of each class; a fraction
// above 0 always holds out at least one sample.
SplitIndices splitIndices(const Dataset& data, const SplitSettings& settings);

// The samples at `indices`, in that order, with everything else copied.
Dataset subset(const Dataset& data, const std::vector<int64_t>& indices);

// The data a run trains on: split as the project says and the
// normalization fitted on the training part.
struct PreparedData {
    Dataset train;
    std::optional<Dataset> validation;
    std::optional<Dataset> test;
    FeatureScaling scaling;
};

// Loads, splits and fits the normalization. Throws DataError (DataCancelled
// once context.stop is set).
PreparedData prepareData(const DatasetSpec& spec, const DataLoadContext& context);

} // namespace lepton
