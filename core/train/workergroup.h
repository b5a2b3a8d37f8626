#pragma once

#include "train/workerplace.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace lepton {

// The workers of one data-parallel run, joined through PyTorch's c10d: rank
// 0 serves a TCP store at MASTER_ADDR:MASTER_PORT where the others meet it,
// and Gloo carries the tensors between them (CPU tensors, and CUDA ones
// staged through the host). Every call is collective: every worker makes
// the same calls in the same order, or they wait for each other.
class WorkerGroup {
public:
    // Blocks until every worker has joined. Throws std::runtime_error when
    // they do not within five minutes, or when this build has no Gloo.
    explicit WorkerGroup(const WorkerPlace& place);
    ~WorkerGroup();
    WorkerGroup(const WorkerGroup&) = delete;
    WorkerGroup& operator=(const WorkerGroup&) = delete;

    const WorkerPlace& place() const { return m_place; }
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
