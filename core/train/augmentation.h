#pragma once

#include "data/datasetspec.h"

#include <torch/torch.h>

namespace lepton {

// Random image augmentation of a float batch [B, C, H, W] in [0, 1], drawn
// from `generator` (so a seeded run augments the same way every time). Other
// ranks only get noise. Geometry first (flip, padded crop, rotation and
// translation in one resampling), then noise and erasing.
torch::Tensor augmentBatch(const torch::Tensor& batch, const AugmentationSettings& settings,
                           torch::Generator& generator);

} // namespace lepton
