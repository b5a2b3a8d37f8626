#pragma once

// Only the batch norm module's header: this file is built without the
// precompiled torch/torch.h, with flags of its own.
#include <torch/nn/modules/batchnorm.h>

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

} // namespace lepton
