#pragma once

#include "data/datasetspec.h"
#include "graph/graph.h"
#include "train/trainingconfig.h"
#include "train/trainingevent.h"

#include <atomic>
#include <memory>
#include <string>

namespace lepton {

// Everything a run needs, copied so the editor can keep changing the project.
struct TrainingJob {
    Graph graph;
    DatasetSpec dataset;
    std::string baseDir; // resolves relative dataset paths
    TrainingConfig config;
};

// Trains a graph on its own worker thread. The header is free of LibTorch so
// the GUI and CLI compile without it. Progress, state changes and errors come
// out of events(); a run always ends with one Kind::Finished event.
class Trainer {
public:
    Trainer();
    ~Trainer(); // requests stop and joins
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Starts a run; throws std::logic_error while one is still active.
    void start(TrainingJob job);
    // Takes effect before the next batch starts.
    void requestStop();
    // Blocks until the worker thread has ended.
    void wait();

    TrainerState state() const { return m_state.load(); }
    bool isActive() const;
    EventQueue& events() { return *m_events; }

private:
    class Run;
    void setState(TrainerState state, const std::string& message = {});

    std::unique_ptr<EventQueue> m_events;
    std::unique_ptr<Run> m_run;
    std::atomic<TrainerState> m_state{TrainerState::Idle};
    std::atomic<bool> m_stopRequested{false};
};

} // namespace lepton
