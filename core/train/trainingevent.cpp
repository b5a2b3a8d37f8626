#include "train/trainingevent.h"

#include <cmath>
#include <iterator>

namespace lepton {

namespace {

// Moves every queued event out; the caller holds the lock.
std::vector<TrainingEvent> drain(std::deque<TrainingEvent>& queue)
{
    std::vector<TrainingEvent> events(std::make_move_iterator(queue.begin()),
                                      std::make_move_iterator(queue.end()));
    queue.clear();
    return events;
}

} // namespace

std::string toString(TrainerState state)
{
    switch (state) {
    case TrainerState::Idle: return "idle";
    case TrainerState::Preparing: return "preparing";
    case TrainerState::Running: return "running";
    case TrainerState::Paused: return "paused";
    case TrainerState::Finished: return "finished";
    case TrainerState::Stopped: return "stopped";
    case TrainerState::Failed: return "failed";
    }
    return "idle";
}

bool isActive(TrainerState state)
{
    return state == TrainerState::Preparing || state == TrainerState::Running || state == TrainerState::Paused;
}

namespace {

nlohmann::ordered_json jsonNumber(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return nullptr;
    return *value;
}

} // namespace

nlohmann::ordered_json summaryToJson(const TrainingSummary& s)
{
    const std::optional<EpochMetrics>& last = s.lastEpoch;
    return {
        {"device", s.device},
        {"epochs", s.epochsCompleted},
        {"stopped_early", s.stoppedEarly},
        {"best_epoch", s.bestEpoch > 0 ? nlohmann::ordered_json(s.bestEpoch) : nlohmann::ordered_json()},
        {"train_loss", jsonNumber(last ? std::optional(last->trainLoss) : std::nullopt)},
        {"train_accuracy", jsonNumber(last ? std::optional(last->trainAccuracy) : std::nullopt)},
        {"validation_loss", jsonNumber(last ? last->validationLoss : std::nullopt)},
        {"validation_accuracy", jsonNumber(last ? last->validationAccuracy : std::nullopt)},
        {"test_loss", jsonNumber(s.testLoss)},
        {"test_accuracy", jsonNumber(s.testAccuracy)},
        {"resumed_after", s.resumedAfter},
        {"workers", s.workers},
        {"threads", s.threads},
        {"blas_threads", s.blasThreads},
        {"checkpoint", s.checkpoint.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.checkpoint)},
        {"samples_per_second", s.samplesPerSecond},
        {"seconds", s.seconds},
    };
}

void EventQueue::push(TrainingEvent event)
{
    bool wake = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        // Only what a waiter waits for: a first event, or the run's end.
        wake = m_events.empty() || event.kind == TrainingEvent::Kind::Finished;
        m_events.push_back(std::move(event));
    }
    if (wake)
        m_ready.notify_all();
}

std::vector<TrainingEvent> EventQueue::takeAll()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return drain(m_events);
}

std::vector<TrainingEvent> EventQueue::waitAndTakeAll(std::chrono::milliseconds timeout,
                                                      std::chrono::milliseconds gather)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_ready.wait_for(lock, timeout, [this] { return !m_events.empty(); }) && gather.count() > 0)
        m_ready.wait_for(lock, gather, [this] {
            return !m_events.empty() && m_events.back().kind == TrainingEvent::Kind::Finished;
        });
    return drain(m_events);
}

} // namespace lepton
