#include "train/augmentationpreview.h"

#include "train/augmentation.h"

#include <ATen/CPUGeneratorImpl.h>

namespace lepton {

std::vector<std::vector<float>> augmentedSamples(const Dataset& data, int64_t index,
                                                 const AugmentationSettings& settings, int count,
                                                 uint64_t seed)
{
    if (index < 0 || index >= data.size() || count < 1)
        return {};
    const int64_t perSample = data.featuresPerSample();
    std::vector<float> sample = data.sampleValues(index);

    const torch::Tensor one = torch::from_blob(sample.data(), data.featureShape, torch::kFloat32);
    const torch::Tensor batch = one.unsqueeze(0).repeat_interleave(count, 0);
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const torch::Tensor augmented = augmentBatch(batch, settings, generator).clamp(0.0, 1.0).contiguous();

    std::vector<std::vector<float>> variants;
    for (int v = 0; v < count; ++v) {
        const float* begin = augmented[v].data_ptr<float>();
        variants.emplace_back(begin, begin + perSample);
    }
    return variants;
}

} // namespace lepton
