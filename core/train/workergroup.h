#pragma once

#include "train/workerplace.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace lepton {

// The workers of one data-parallel run, joined through PyTorch's c10d: rank
// 0 serves a TCP store at MASTER_ADDR:MASTER_PORT where the others meet it,
// and a backend carries the tensors between them: NCCL, GPU to GPU, for
// workers training on CUDA in a build against a CUDA LibTorch with NCCL's
// headers; Gloo otherwise (CPU tensors, and CUDA ones staged through the
// host). Every call is collective: every worker makes the same calls in the
// same order, or they wait for each other.
class WorkerGroup {
public:
    // Blocks until every worker has joined. Throws std::runtime_error when
    // they do not within five minutes, or when this build has no backend
    // for `device`, the device this worker trains on.
    WorkerGroup(const WorkerPlace& place, const torch::Device& device);
    ~WorkerGroup();
    WorkerGroup(const WorkerGroup&) = delete;
    WorkerGroup& operator=(const WorkerGroup&) = delete;

    const WorkerPlace& place() const { return m_place; }
    const char* backendName() const; // "Gloo" or "NCCL"
    // Every worker's tensors become rank 0's, in place.
    void broadcast(const std::vector<torch::Tensor>& tensors);
    // Every worker's tensors become their sum over the workers, in place,
    // in one exchange per dtype.
    void sum(const std::vector<torch::Tensor>& tensors);

private:
    struct Backend;
    WorkerPlace m_place;
    std::unique_ptr<Backend> m_backend;
};

} // namespace lepton
