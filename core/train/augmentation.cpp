#include "train/augmentation.h"

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Draws come from the run's CPU generator, whatever device the batch is on,
// so a seed gives the same augmentation on CPU and CUDA.
torch::Tensor uniform(int64_t count, double low, double high, torch::Generator& generator,
                      const torch::Tensor& like)
{
    return (torch::rand({count}, generator, torch::kFloat32) * (high - low) + low).to(like.options());
}

// Each sample flipped along `dim` with probability 1/2.
torch::Tensor randomFlip(const torch::Tensor& batch, int64_t dim, torch::Generator& generator)
{
    const torch::Tensor flip =
        (torch::rand({batch.size(0), 1, 1, 1}, generator, torch::kFloat32) < 0.5).to(batch.device());
    return torch::where(flip, batch.flip({dim}), batch);
}

// Zero-pads by `padding` and crops each sample back at a random offset.
torch::Tensor randomCrop(const torch::Tensor& batch, int64_t padding, torch::Generator& generator)
{
    const int64_t height = batch.size(2);
    const int64_t width = batch.size(3);
    const torch::Tensor padded = torch::constant_pad_nd(batch, {padding, padding, padding, padding});
    const torch::Tensor offsets =
        torch::randint(0, 2 * padding + 1, {batch.size(0), 2}, generator, torch::kInt64);
    const auto offset = offsets.accessor<int64_t, 2>();
    std::vector<torch::Tensor> crops;
    crops.reserve(static_cast<size_t>(batch.size(0)));
    for (int64_t i = 0; i < batch.size(0); ++i)
        crops.push_back(padded[i].narrow(1, offset[i][0], height).narrow(2, offset[i][1], width));
    return torch::stack(crops);
}

// Rotation by up to `degrees` and shifts by up to `translation` of the size,
// both in one bilinear resampling; uncovered pixels become 0.
torch::Tensor randomAffine(const torch::Tensor& batch, double degrees, double translation,
                           torch::Generator& generator)
{
    const int64_t count = batch.size(0);
    const torch::Tensor angle = uniform(count, -degrees, degrees, generator, batch) * (kPi / 180.0);
    // Grid coordinates span [-1, 1], so a shift of fraction f is 2f.
    const torch::Tensor shiftX = uniform(count, -translation, translation, generator, batch) * 2.0;
    const torch::Tensor shiftY = uniform(count, -translation, translation, generator, batch) * 2.0;
    const torch::Tensor cos = torch::cos(angle);
    const torch::Tensor sin = torch::sin(angle);
    const torch::Tensor theta =
        torch::stack({torch::stack({cos, -sin, shiftX}, 1), torch::stack({sin, cos, shiftY}, 1)}, 1);
    const torch::Tensor grid = at::affine_grid_generator(theta, batch.sizes(), false);
    return at::grid_sampler(batch, grid, /*bilinear*/ 0, /*zeros*/ 0, false);
}

// With probability `chance` per sample, zeroes one rectangle covering 2% to
// 33% of the image with an aspect ratio between 1:3 and 3:1.
torch::Tensor randomErasing(torch::Tensor batch, double chance, torch::Generator& generator)
{
    const int64_t count = batch.size(0);
    const int64_t height = batch.size(2);
    const int64_t width = batch.size(3);
    const torch::Tensor draws = torch::rand({count, 5}, generator, torch::kFloat64);
    const auto draw = draws.accessor<double, 2>();
    batch = batch.clone();
    for (int64_t i = 0; i < count; ++i) {
        if (draw[i][0] >= chance)
            continue;
        const double area = (0.02 + draw[i][1] * 0.31) * double(height * width);
        const double aspect = std::exp(std::log(1.0 / 3.0) + draw[i][2] * std::log(9.0));
        const int64_t h = std::clamp<int64_t>(std::llround(std::sqrt(area * aspect)), 1, height);
        const int64_t w = std::clamp<int64_t>(std::llround(std::sqrt(area / aspect)), 1, width);
        const int64_t top = std::llround(draw[i][3] * double(height - h));
        const int64_t left = std::llround(draw[i][4] * double(width - w));
        batch[i].narrow(1, top, h).narrow(2, left, w).zero_();
    }
    return batch;
}

} // namespace

torch::Tensor augmentBatch(const torch::Tensor& batch, const AugmentationSettings& settings,
                           torch::Generator& generator)
{
    torch::Tensor result = batch;
    if (batch.dim() == 4) {
        if (settings.horizontalFlip)
            result = randomFlip(result, 3, generator);
        if (settings.verticalFlip)
            result = randomFlip(result, 2, generator);
        if (settings.cropPadding > 0)
            result = randomCrop(result, settings.cropPadding, generator);
        if (settings.rotation > 0.0 || settings.translation > 0.0)
            result = randomAffine(result, settings.rotation, settings.translation, generator);
    }
    if (settings.noise > 0.0)
        result = result
            + torch::randn(result.sizes(), generator, torch::kFloat32).to(result.options()) * settings.noise;
    if (batch.dim() == 4 && settings.erasing > 0.0)
        result = randomErasing(result, settings.erasing, generator);
    return result;
}

} // namespace lepton
