#include "train/batchprefetcher.h"

#include "train/runenvironment.h"

#include <chrono>

namespace lepton {

bool worthPreparingAhead(const TensorData& data, torch::Device device, int cores)
{
    return device.is_cuda() || data.lazy || data.mapped || stepThreads() < cores;
}

BatchPrefetcher::BatchPrefetcher(const TensorData& data, torch::Tensor order,
                                 std::vector<std::pair<int64_t, int64_t>> ranges,
                                 const BatchTransform& transform, torch::Device device,
                                 torch::Generator* augmentation, bool ahead, size_t depth)
    : m_data(data)
    , m_order(data.features.defined() ? order.to(data.features.device()) : std::move(order))
    , m_ranges(std::move(ranges))
    , m_transform(transform)
    , m_device(device)
    , m_augmentation(augmentation)
    , m_depth(depth)
{
    if (ahead)
        m_worker = std::thread([this] { work(); });
}

BatchPrefetcher::~BatchPrefetcher()
{
    if (!m_worker.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_worker.join();
}

TensorData BatchPrefetcher::prepare(size_t batch) const
{
    torch::NoGradGuard noGrad;
    const auto [begin, end] = m_ranges.at(batch);
    TensorData prepared = m_data.select(m_order.slice(0, begin, end)).to(m_device);
    prepared.features = m_augmentation ? m_transform.augmented(prepared.features, *m_augmentation)
                                       : m_transform(prepared.features);
    return prepared;
}

void BatchPrefetcher::work()
{
    try {
        for (size_t batch = 0; batch < m_ranges.size(); ++batch) {
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_stopping || m_ready.size() < m_depth; });
                if (m_stopping)
                    return;
            }
            TensorData prepared = prepare(batch);
            {
                std::lock_guard lock(m_mutex);
                m_ready.push_back(std::move(prepared));
            }
            m_changed.notify_all();
        }
    } catch (...) {
        std::lock_guard lock(m_mutex);
        m_error = std::current_exception();
        m_changed.notify_all();
    }
}

TensorData BatchPrefetcher::takeReady()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_ready.empty() || m_error; });
    if (m_ready.empty())
        std::rethrow_exception(m_error);
    TensorData batch = std::move(m_ready.front());
    m_ready.pop_front();
    lock.unlock();
    m_changed.notify_all();
    return batch;
}

TensorData BatchPrefetcher::next()
{
    const auto start = std::chrono::steady_clock::now();
    TensorData batch = m_worker.joinable() ? takeReady() : prepare(m_taken);
    ++m_taken;
    m_waitSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return batch;
}

} // namespace lepton
