#pragma once

#include "model/graphmodule.h"
#include "train/batchtransform.h"
#include "train/loss.h"
#include "train/tensordata.h"

#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>

namespace lepton {

struct Score {
    double loss = 0.0;
    double accuracy = std::numeric_limits<double>::quiet_NaN();
};

// A part of a dataset: the samples of `data` at `indices` (CPU, int64).
// Copies share the tensors' storage.
struct SampleSet {
    TensorData data;
    torch::Tensor indices;

    int64_t size() const { return indices.size(0); }
};

// Mean loss and accuracy over a whole set in eval mode; leaves the model in
// eval mode. Nothing when `stop` is raised before a batch. `cores`: those the
// evaluation may use (batchprefetcher.h, worthPreparingAhead()).
std::optional<Score> evaluate(GraphModule& model, const SampleSet& set, const BatchTransform& transform,
                              torch::Device device, const LossFunction& loss, int64_t batchSize,
                              const std::atomic<bool>& stop, int cores);

} // namespace lepton
