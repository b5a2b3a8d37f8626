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

// Whether batches of `data` for a step on `device` that may use `cores` are
// best made a few ahead on a thread of their own. That thread pays where it
// has a core the step leaves idle, or where a batch waits on something other
// than the cores: a mapped file or a lazy dataset's images being read, a copy
// to the GPU. Where the step's threads (stepThreads()) hold every core and the
// set is in memory, it only preempts them: the Fashion-MNIST MLP on 2 cores
// trained at 115k samples/s with it and 130k with each batch made when asked
// for.
bool worthPreparingAhead(const TensorData& data, torch::Device device, int cores);

// Makes the batches of an epoch: each gathers the samples at a range of
// `order` (indices into `data`, wherever `data` is: on the CPU, where a mapped
// file is read, or on the GPU that holds the whole set), moves them to the
// device, turns bytes into floats, normalizes and, when `augmentation` is
// given, augments them. `ahead`: on a worker thread, a few batches ahead of
// the consumer, while the previous step's forward (and backward) pass runs;
// otherwise in next(). Batches come out in order, and the worker is the only
// user of the generator while it runs, so a seeded run stays deterministic
// and gives the same batches either way.
class BatchPrefetcher {
public:
    // `augmentation`: the run's generator for training batches, null for
    // evaluation.
    BatchPrefetcher(const TensorData& data, torch::Tensor order,
                    std::vector<std::pair<int64_t, int64_t>> ranges, const BatchTransform& transform,
                    torch::Device device, torch::Generator* augmentation, bool ahead, size_t depth = 3);
    ~BatchPrefetcher(); // stops the worker and joins it
    BatchPrefetcher(const BatchPrefetcher&) = delete;
    BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

    // The next batch, its features ready for the model; blocks until it is
    // prepared. Rethrows what preparing it threw.
    TensorData next();
    // Seconds next() spent waiting for the worker, or preparing batches
    // itself, so far.
    double waitSeconds() const { return m_waitSeconds; }

private:
    TensorData prepare(size_t batch) const;
    void work();
    TensorData takeReady();

    const TensorData& m_data;
    torch::Tensor m_order;
    std::vector<std::pair<int64_t, int64_t>> m_ranges;
    const BatchTransform& m_transform;
    torch::Device m_device;
    torch::Generator* m_augmentation;
    size_t m_depth;
    size_t m_taken = 0; // batches next() has handed out

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<TensorData> m_ready;
    std::exception_ptr m_error;
    bool m_stopping = false;
    double m_waitSeconds = 0.0;
    std::thread m_worker; // last: starts once everything above exists; none unless ahead
};

} // namespace lepton
