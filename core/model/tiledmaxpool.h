#pragma once

// Only the tensor header: this file is built without the precompiled
// torch/torch.h, with flags of its own.
#include <ATen/core/Tensor.h>

namespace lepton {

// 2-d max pooling whose windows tile the image (stride equal to the kernel,
// no padding), on contiguous NCHW float32 CPU tensors. LibTorch's kernel for
// this layout takes every output through a general window loop, branching
// on the data, and writes 64-bit indices: on the Fashion-MNIST CNN's
// 128x32x28x28 activations its forward and backward took 10.5 ms on two
// threads, these 2.7 ms. This one keeps each window's argmax in a byte and
// compares 2x2 windows four at a time; its backward zeroes a plane and puts
// each window's gradient at its argmax. Same values and gradients as
// torch::max_pool2d, ties and NaN included (tst_tiledmaxpool). Used in
// training and evaluation alike; no double backward.

// Whether tiledMaxPool2d() takes `input` with this window.
bool tiledMaxPoolApplies(const at::Tensor& input, int64_t kernel, int64_t stride, int64_t padding);

at::Tensor tiledMaxPool2d(const at::Tensor& input, int64_t kernel);

} // namespace lepton
