#include "train/batchtransform.h"

#include "train/augmentation.h"

namespace lepton {

BatchTransform::BatchTransform(const FeatureScaling& scaling, DType featureDType,
                               const AugmentationSettings& augmentation, const torch::Device& device)
    : m_featureDType(featureDType)
    , m_augmentation(augmentation)
{
    if (scaling.identity())
        return;
    std::vector<int64_t> shape{1};
    shape.insert(shape.end(), scaling.shape.begin(), scaling.shape.end());
    m_offset = torch::tensor(scaling.offset).reshape(shape).to(device);
    m_scale = torch::tensor(scaling.scale).reshape(shape).to(device);
}

torch::Tensor BatchTransform::toModelInput(const torch::Tensor& stored) const
{
    if (m_featureDType == DType::Int64)
        return stored.to(torch::kInt64);
    if (stored.scalar_type() == torch::kUInt8)
        return stored.to(torch::kFloat32).mul_(1.0f / 255.0f);
    return stored;
}

torch::Tensor BatchTransform::normalize(const torch::Tensor& features) const
{
    if (!m_offset.defined())
        return features;
    return (features - m_offset) * m_scale;
}

torch::Tensor BatchTransform::operator()(const torch::Tensor& stored) const
{
    return normalize(toModelInput(stored));
}

torch::Tensor BatchTransform::augmented(const torch::Tensor& stored, torch::Generator& generator) const
{
    const torch::Tensor input = toModelInput(stored);
    if (m_featureDType == DType::Int64 || !m_augmentation.any())
        return normalize(input);
    return normalize(augmentBatch(input, m_augmentation, generator));
}

} // namespace lepton
