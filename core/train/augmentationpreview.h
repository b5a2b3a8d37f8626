#pragma once

#include "data/datasetspec.h"

#include <cstdint>
#include <vector>

namespace lepton {

// What the augmentation does to one training sample, for the Data panel's
// preview: `count` variants of sample `index` of `data`, each a [C, H, W]
// float image in [0, 1] (before normalization), drawn from `seed`. Runs the
// engine's own augmentation code, so the preview shows what training sees.
// Free of LibTorch in its interface; lives in lepton_engine.
std::vector<std::vector<float>> augmentedSamples(const Dataset& data, int64_t index,
                                                 const AugmentationSettings& settings, int count,
                                                 uint64_t seed);

} // namespace lepton
