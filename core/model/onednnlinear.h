#pragma once

#include "model/onednnbuild.h"

#include <torch/nn/modules/linear.h>

namespace lepton {

// A Linear layer whose matrix products run on oneDNN's sgemm, on float32
// CPU tensors. LibTorch gives Linear to OpenBLAS, whose threads busy-wait
// beside LibTorch's own intra-op pool, so a run could give the cores to one
// pool or the other (threadplan.h) but not both. oneDNN computes on the
// intra-op pool's OpenMP threads, so every layer shares them: the
// Fashion-MNIST CNN's 3136 -> 128 layer at batch 128 takes 0.41 ms forward
// on two threads, against 0.61 ms on OpenBLAS's one. Each output element
// comes from one product; no double backward. Built where oneDNN's headers
// are found (libdnnl-dev); elsewhere Linear stays LibTorch's.

// Whether oneDnnLinear() takes `input` through `linear`: float32 CPU
// tensors, a contiguous non-empty input of two or more dimensions whose last
// is the layer's in_features.
bool oneDnnLinearApplies(const torch::Tensor& input, const torch::nn::LinearImpl& linear);

torch::Tensor oneDnnLinear(const torch::Tensor& input, torch::nn::LinearImpl& linear);

} // namespace lepton
