#pragma once

#include "data/dataset.h"
#include "train/trainingconfig.h"

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace lepton {

// A dataset as whole-set CPU tensors, batch first (features as stored:
// float, or uint8 for byte-stored images), or one batch of it. Batches are
// index_select calls on the whole set, never per-sample copies, except for a
// lazy dataset, whose batches are made sample by sample on several threads.
struct TensorData {
    torch::Tensor features; // [N, featureShape...]; undefined for a lazy whole set
    const Dataset* lazy = nullptr; // the lazy dataset whose samples select() makes
    bool mapped = false;           // features in a mapped file: a batch may wait for the disk
    // What the loss compares with: class indices for cross_entropy and nll,
    // one-hot rows (classification) or the targets (regression) otherwise.
    torch::Tensor targets;
    torch::Tensor labels; // class indices for accuracy; undefined for regression
    // Set for the other losses on classes: select() makes each batch's one-hot rows, so
    // the whole set never holds numClasses floats per sample.
    int64_t oneHotClasses = 0;

    int64_t size() const { return lazy ? lazy->size() : features.size(0); }
    TensorData select(const torch::Tensor& indices) const;
    // On CUDA the batch is pinned first, so the copy does not block.
    TensorData to(const torch::Device& device) const;
    int64_t bytes() const;
};

// The whole set on `device` when that is a GPU with room for it (a quarter
// of its memory): each step then gathers its batch there instead of copying
// it from the host. Lazy sets, and every set for the CPU, stay as they are.
TensorData placedFor(const torch::Device& device, TensorData data);

// Wraps the dataset's features (in memory or mapped) and labels without
// copying, so `dataset` must outlive the result, which is only ever read.
// Throws DataError, naming the dataset, for sizes that do not add up or
// labels outside [0, numClasses).
TensorData toTensors(const Dataset& dataset, LossKind loss);

// [begin, end) of each batch, of batchSize samples for each of `workers`
// data-parallel workers. A trailing batch too small to give every worker two
// samples joins the one before it: BatchNorm cannot train on a single sample.
std::vector<std::pair<int64_t, int64_t>> batchRanges(int64_t samples, int64_t batchSize, int workers = 1);

// How many rows of `output` score their label highest: a 0-dim int64 tensor
// on the device, read only when needed (reading waits for the device).
torch::Tensor countCorrect(const torch::Tensor& output, const torch::Tensor& labels);

} // namespace lepton
