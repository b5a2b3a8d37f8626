#pragma once

// Only the batch norm module's header: this file is built without the
// precompiled torch/torch.h, with flags of its own.
#include <torch/nn/modules/batchnorm.h>

#include <vector>

namespace lepton {

// BatchNorm2d in training followed by ReLU, on float32 CPU tensors, as one
// autograd function. These layers are bound by memory traffic, not
// arithmetic: LibTorch's separate operations pass over the activations some
// five times forward and eight times backward; this takes two each way,
// computing the statistics of small blocks that stay in cache and combining
// them in a fixed order, so results do not depend on the thread count.
// Outputs, gradients, running statistics and num_batches_tracked agree with
// BatchNorm2d then ReLU computed in double within 1e-5 relative (input and
// weight gradients 1e-4; tst_batchnormrelu). No double backward.

// Whether batchNormRelu() takes `input` through `norm`: a training module
// that is affine, tracks running statistics with a fixed momentum, and an
// input that is 4-d, float32, on the CPU, contiguous NCHW or channels-last,
// with more than one value per channel.
bool batchNormReluFusable(const torch::Tensor& input, const torch::nn::BatchNorm2dImpl& norm);

// relu(norm(input)) in training, updating the running statistics as the
// module's own forward does. Only for inputs batchNormReluFusable() accepts.
torch::Tensor batchNormRelu(const torch::Tensor& input, torch::nn::BatchNorm2dImpl& norm);

// The steps shared with the pooling fused after them (batchnormrelupool.h).

// A training batch's per-channel mean and 1 / sqrt(variance + eps), with the
// running statistics updated in place as the module's forward does.
struct BatchStatistics {
    torch::Tensor mean, invstd;
};
BatchStatistics batchStatistics(const torch::Tensor& x, torch::Tensor runningMean, torch::Tensor runningVar,
                                double momentum, double eps);
// The same from the moments of each plane of a contiguous NCHW `x`, in
// [sample][channel] order, as planeMoments() gives them: for a caller that
// reads the planes anyway.
BatchStatistics batchStatistics(const torch::Tensor& x, const std::vector<float>& unitMeans,
                                const std::vector<float>& unitSquares, torch::Tensor runningMean,
                                torch::Tensor runningVar, double momentum, double eps);
// One plane's mean and sum of squared deviations from it.
void planeMoments(const float* plane, int64_t size, float& mean, float& square);

// Per channel, the sum of `partials` laid out as [k][channel], taken in
// order of k in double, so the result does not depend on the thread count.
std::vector<double> channelSums(const std::vector<float>& partials, int64_t channels);

// From each channel's sums of dz, the gradient reaching the normalization's
// output, and of dz * (x - mean) over its `count` values: the weight and bias
// gradients, and the input gradient's terms dx = a * dz + b * (x - mean) + d.
struct NormGradients {
    torch::Tensor weight, bias;
    std::vector<float> a, b, d;
};
NormGradients normGradients(const std::vector<double>& sums, const std::vector<double>& products,
                            const torch::Tensor& weight, const torch::Tensor& invstd, int64_t count);

// Counts a training batch in num_batches_tracked, as the module's forward does.
void countBatch(torch::nn::BatchNorm2dImpl& norm);

} // namespace lepton
