#pragma once

#include "data/datasetspec.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace lepton {

// Normalization fitted on the training part and applied, the same way, to
// every batch the network sees (training, evaluation, export):
// x' = (x - offset) * scale, broadcast over one sample of `shape`.
struct FeatureScaling {
    Normalization kind = Normalization::None;
    // {C, 1, 1} for images (per channel), {F} for feature vectors, or empty
    // when nothing is scaled (token ids are never scaled).
    Shape shape;
    std::vector<float> offset;
    std::vector<float> scale;

    bool identity() const { return offset.empty(); }
    nlohmann::ordered_json toJson() const;
};

// Statistics of the samples of `data` at `train` only, so validation and
// test data stay unseen.
FeatureScaling fitScaling(const Dataset& data, const std::vector<int64_t>& train, Normalization kind);

} // namespace lepton
