#pragma once

#include "train/batchtransform.h"
#include "train/tensordata.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace lepton {

// Prepares batches on a worker thread, a few ahead of the consumer: each
// batch gathers the samples at a range of `order` (indices into `data`,
// wherever `data` is: on the CPU, where a mapped file is read, or on the GPU
// that holds the whole set), moves them to the device, turns bytes into floats, normalizes and, when `augmentation` is given, augments
// them, all while the previous step's forward (and backward) pass runs.
// Batches come out in order, and the worker is the only user of the
// generator while it runs, so a seeded run stays deterministic.
class BatchPrefetcher {
public:
    // `augmentation`: the run's generator for training batches, null for
    // evaluation.
    BatchPrefetcher(const TensorData& data, torch::Tensor order,
                    std::vector<std::pair<int64_t, int64_t>> ranges, const BatchTransform& transform,
                    torch::Device device, torch::Generator* augmentation, size_t depth = 3);
    ~BatchPrefetcher(); // stops the worker and joins it
    BatchPrefetcher(const BatchPrefetcher&) = delete;
    BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

    // The next batch, its features ready for the model; blocks until it is
    // prepared. Rethrows what the worker threw.
    TensorData next();
    // Seconds next() spent waiting for the worker so far.
    double waitSeconds() const { return m_waitSeconds; }

private:
    void work();

    const TensorData& m_data;
    torch::Tensor m_order;
    std::vector<std::pair<int64_t, int64_t>> m_ranges;
    const BatchTransform& m_transform;
    torch::Device m_device;
    torch::Generator* m_augmentation;
    size_t m_depth;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<TensorData> m_ready;
    std::exception_ptr m_error;
    bool m_stopping = false;
    double m_waitSeconds = 0.0;
    std::thread m_worker; // last: starts once everything above exists
};

} // namespace lepton
