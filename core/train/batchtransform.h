#pragma once

#include "data/datasetspec.h"
#include "data/featurescaling.h"

#include <torch/torch.h>

namespace lepton {

// Turns stored features into what the network sees, one batch at a time:
// bytes become floats in [0, 1] (so images stay 1 byte per pixel in memory),
// token ids become int64, the fitted normalization is applied, and training
// batches of images are augmented.
class BatchTransform {
public:
    BatchTransform(const FeatureScaling& scaling, DType featureDType,
                   const AugmentationSettings& augmentation, const torch::Device& device);

    // Evaluation: convert and normalize only.
    torch::Tensor operator()(const torch::Tensor& stored) const;
    // Training: converted, augmented with `generator`, normalized.
    torch::Tensor augmented(const torch::Tensor& stored, torch::Generator& generator) const;

private:
    torch::Tensor toModelInput(const torch::Tensor& stored) const;
    torch::Tensor normalize(const torch::Tensor& features) const;

    DType m_featureDType;
    AugmentationSettings m_augmentation;
    torch::Tensor m_offset; // [1, shape...] or undefined
    torch::Tensor m_scale;
};

} // namespace lepton
