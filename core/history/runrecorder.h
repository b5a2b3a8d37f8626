#pragma once

#include "history/runhistory.h"
#include "train/trainer.h"
#include "train/trainingevent.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace lepton {

// What the history keeps of `job` as it starts; `source`: "cli", "workbench".
RunStart runStartFor(const TrainingJob& job, const std::string& source);

// Keeps a trainer's runs in their project's history from a thread of its
// own: it drains a queue the trainer fans every event out to, writes the
// batches and epochs of the run begun with begin() (one transaction per
// quarter second, so a kill loses at most the last fraction of a second) and, at the
// run's Finished event, how it ended. A recording problem never stops the
// training: the recorder stops recording and says why in problem().
class RunRecorder {
public:
    explicit RunRecorder(std::shared_ptr<EventQueue> events);
    ~RunRecorder();
    RunRecorder(const RunRecorder&) = delete;
    RunRecorder& operator=(const RunRecorder&) = delete;

    // Records the run about to start in the history in `directory`; call it
    // before Trainer::start. Returns the run's id; throws std::runtime_error
    // naming the file when the history cannot be opened or written. A resume
    // continues the latest run once it trains again: one refused before its
    // first batch (other settings, nothing left to train) leaves it as it was.
    int64_t begin(const std::string& directory, const RunStart& start);
    // Returns once the run's Finished event is written (at once without a run).
    void waitUntilFinished();
    // Why the last run stopped being recorded; empty while all is well.
    std::string problem() const;

private:
    void work();
    void write(const std::vector<TrainingEvent>& events);

    std::shared_ptr<EventQueue> m_events;
    mutable std::mutex m_mutex;
    std::condition_variable m_finished;
    std::shared_ptr<RunHistory> m_history; // while a run is recorded
    int64_t m_run = 0;
    bool m_running = false; // m_run is marked running: new, or a resume that trains
    std::string m_problem;
    std::atomic<bool> m_stopping{false};
    std::thread m_worker; // last: starts once everything above exists
};

} // namespace lepton
