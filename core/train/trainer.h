#pragma once

#include "data/datasetspec.h"
#include "graph/graph.h"
#include "train/trainingconfig.h"
#include "train/trainingevent.h"
#include "train/workerplace.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace lepton {

// Everything a run needs, copied so the editor can keep changing the project.
struct TrainingJob {
    Graph graph;
    DatasetSpec dataset;
    std::string baseDir; // resolves relative dataset paths
    TrainingConfig config;
    // Where the run writes last.ckpt after every epoch and best.ckpt when
    // the monitored metric improves (NAME.lepton.d/ beside a project); empty:
    // nowhere.
    std::string checkpointDir;
    // Continue the run in checkpointDir/last.ckpt rather than start afresh.
    bool resume = false;
    // Or start from the weights of this checkpoint, matched to the graph by
    // node id and shape (the report goes out as a log line).
    std::string initialWeights;
    // This process's place among the workers of a data-parallel run; with
    // several, each trains on its share of every batch (batch size is per
    // worker), their gradients are averaged, and only rank 0 checkpoints.
    WorkerPlace worker;
    // The most CPU cores the run may use; 0: all this process may run on.
    // How it splits them between layers and matrix products: threadplan.h.
    int cores = 0;
};

// The checkpoints a run with `checkpointDir` writes.
std::string lastCheckpointPath(const std::string& checkpointDir);
std::string bestCheckpointPath(const std::string& checkpointDir);

// Trains a graph on its own worker thread. The header is free of LibTorch so
// the GUI and CLI compile without it. Progress, state changes and errors come
// out of events() and every subscribe()d queue, each of which sees them all
// in the same order; a run always ends with one Kind::Finished event.
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
    // Holds the run before its next batch (state Paused) until unpaused or
    // stopped; the model, optimizer and data stay as they are.
    void setPaused(bool paused);
    // Blocks until the worker thread has ended.
    void wait();

    TrainerState state() const { return m_state.load(); }
    bool isActive() const;
    // The events of every run, for the one reader that created this trainer.
    EventQueue& events() { return *m_events; }
    // Another queue that receives every event from now on, for one more
    // reader (a run recorder beside the GUI or the CLI's printer). It stays
    // subscribed while the trainer lives, so its reader must keep draining it.
    std::shared_ptr<EventQueue> subscribe();

private:
    class Run;
    void setState(TrainerState state, const std::string& message = {});

    void publish(TrainingEvent event); // to every queue

    std::shared_ptr<EventQueue> m_events;
    std::mutex m_listenersMutex;
    std::vector<std::shared_ptr<EventQueue>> m_listeners; // m_events first
    std::unique_ptr<Run> m_run;
    std::atomic<TrainerState> m_state{TrainerState::Idle};
    std::atomic<bool> m_stopRequested{false};
    std::mutex m_pauseMutex;
    std::condition_variable m_pauseChanged;
    bool m_paused = false; // guarded by m_pauseMutex
};

} // namespace lepton
