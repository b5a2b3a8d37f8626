#pragma once

#include "model/modelsummary.h"

#include <cstdint>
#include <string>

namespace lepton {

// How many CPU threads a run gives LibTorch's own kernels (convolutions,
// pooling, element-wise ops: the intra-op pool) and how many OpenBLAS (the
// matrix products of Linear layers). Two pools busy at once on the same
// cores slow each other down, so at most one gets them all.
struct ThreadPlan {
    int intraOp = 1;
    int blas = 1;
    std::string reason; // for the run's log
};

// The plan for training `summary`'s network at `batchSize` with `cores`
// cores free, a pure function of its arguments so a seed gives the same
// numbers on the same machine every time (thread counts change summation
// order). `oneDnnLinear`: whether Linear layers compute on oneDNN, which
// runs on the intra-op pool (model/onednnlinear.h). Measured on 2 cores
// against the alternatives (README, Speed): networks whose convolutions or,
// on oneDNN, Linear layers do most of the work give the intra-op pool every
// core (Fashion-MNIST CNN: 2,575 samples/s against 1,631 on one thread);
// other large matrix products give OpenBLAS every core; small networks stay
// on one thread, where splitting costs more than it saves (spiral MLP: 119k,
// 67k on two).
ThreadPlan planThreads(const ModelSummary& summary, int64_t batchSize, int cores, bool oneDnnLinear);

// The cores this process may run on (its CPU affinity).
int availableCores();

} // namespace lepton
