#include "train/trainingevent.h"

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

void EventQueue::push(TrainingEvent event)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_events.push_back(std::move(event));
    }
    m_ready.notify_all();
}

std::vector<TrainingEvent> EventQueue::takeAll()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return drain(m_events);
}

std::vector<TrainingEvent> EventQueue::waitAndTakeAll(std::chrono::milliseconds timeout)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_ready.wait_for(lock, timeout, [this] { return !m_events.empty(); });
    return drain(m_events);
}

} // namespace lepton
