#pragma once

// Only the batch norm module's header: this file is built without the
// precompiled torch/torch.h, with flags of its own.
#include <torch/nn/modules/batchnorm.h>

namespace lepton {

// BatchNorm2d in training, ReLU, then max pooling whose windows tile the
// image (stride equal to the kernel, no padding), as one autograd function
// on contiguous NCHW float32 CPU tensors: the block that ends most
// convolutional stages. The normalized activations are never stored.
// Forward reads the batch once: each plane's moments and, as the
// normalization is monotonic in the input, each window's largest (or, under
// a negative weight, smallest) input; it writes only the pooled output, each
// window's argmax and its input value there. Backward reads the pooled gradient, then the input once
// as it writes the input gradient. Apart (batchnormrelu.h, tiledmaxpool.h)
// the full-size activations and their gradient are also written and read
// back, twice the memory traffic on layers that are bound by it.
// Values, gradients, running statistics and num_batches_tracked agree with
// BatchNorm2d, ReLU and max_pool2d computed in double (tst_batchnormrelupool).
// No double backward.

// Whether batchNormReluPool() takes `input` through `norm` and this window:
// when batchNormReluFusable() and tiledMaxPoolApplies() both do, on an NCHW
// input, and no channel's weight is zero (its windows tie).
bool batchNormReluPoolFusable(const torch::Tensor& input, const torch::nn::BatchNorm2dImpl& norm, int64_t kernel,
                              int64_t stride, int64_t padding);

// max_pool2d(relu(norm(input)), kernel) in training, updating the running
// statistics as the module's own forward does.
torch::Tensor batchNormReluPool(const torch::Tensor& input, torch::nn::BatchNorm2dImpl& norm, int64_t kernel);

} // namespace lepton
