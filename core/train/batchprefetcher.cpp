#include "train/batchprefetcher.h"

#include <chrono>

namespace lepton {

BatchPrefetcher::BatchPrefetcher(const TensorData& data, torch::Tensor order,
                                 std::vector<std::pair<int64_t, int64_t>> ranges,
                                 const BatchTransform& transform, torch::Device device,
                                 torch::Generator* augmentation, size_t depth)
    : m_data(data)
    , m_order(data.features.defined() ? order.to(data.features.device()) : std::move(order))
    , m_ranges(std::move(ranges))
    , m_transform(transform)
    , m_device(device)
    , m_augmentation(augmentation)
    , m_depth(depth)
    , m_worker([this] { work(); })
{
}

BatchPrefetcher::~BatchPrefetcher()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_worker.join();
}

void BatchPrefetcher::work()
{
    try {
        // The worker's ops stay on one thread: a second intra-op pool would
        // compete with the training step for the same cores.
        torch::NoGradGuard noGrad;
        for (const auto& [begin, end] : m_ranges) {
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_stopping || m_ready.size() < m_depth; });
                if (m_stopping)
                    return;
            }
            TensorData batch = m_data.select(m_order.slice(0, begin, end)).to(m_device);
            batch.features = m_augmentation ? m_transform.augmented(batch.features, *m_augmentation)
                                            : m_transform(batch.features);
            {
                std::lock_guard lock(m_mutex);
                m_ready.push_back(std::move(batch));
            }
            m_changed.notify_all();
        }
    } catch (...) {
        std::lock_guard lock(m_mutex);
        m_error = std::current_exception();
        m_changed.notify_all();
    }
}

TensorData BatchPrefetcher::next()
{
    const auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_ready.empty() || m_error; });
    m_waitSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (m_ready.empty())
        std::rethrow_exception(m_error);
    TensorData batch = std::move(m_ready.front());
    m_ready.pop_front();
    lock.unlock();
    m_changed.notify_all();
    return batch;
}

} // namespace lepton
