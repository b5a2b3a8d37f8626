#pragma once

// Only the linear module's header: this file is built without the
// precompiled torch/torch.h, with flags of its own.
#include <torch/nn/modules/linear.h>

namespace lepton {

// A Linear layer whose matrix products are split across LibTorch's intra-op
// threads, each running BLAS on its own share. A convolutional network gives
// its cores to the intra-op pool and keeps BLAS on one thread (threadplan.h),
// because OpenBLAS's threads, left busy-waiting beside the pool's, slow both
// down; its Linear layers would then run on one core. Split, the 3136 -> 128
// layer of the Fashion-MNIST CNN at batch 128 takes about half the time on
// two threads (bench_layerkernels). Forward and the input gradient split the
// batch's rows, the weight gradient the input's columns; each output element
// comes from one product, as unsplit. No double backward.

// Whether splitLinear() takes `input` through `linear`: float32 CPU tensors,
// a 2-d contiguous input, more than one intra-op thread, and enough work to
// share.
bool splitLinearApplies(const torch::Tensor& input, const torch::nn::LinearImpl& linear);

torch::Tensor splitLinear(const torch::Tensor& input, torch::nn::LinearImpl& linear);

} // namespace lepton
