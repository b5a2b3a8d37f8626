#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lepton {

enum class TrainerState { Idle, Preparing, Running, Paused, Finished, Stopped, Failed };
std::string toString(TrainerState state); // "running", ...
bool isActive(TrainerState state);        // Preparing, Running or Paused

// Accuracy fields are NaN for regression tasks.
struct BatchMetrics {
    int epoch = 0;              // 1-based
    int64_t batch = 0;          // 1-based within the epoch
    int64_t batchesPerEpoch = 0;
    double loss = 0.0;
    double accuracy = 0.0;
    double learningRate = 0.0;     // this step's
    double samplesPerSecond = 0.0; // running average over the epoch
    double elapsedSeconds = 0.0;   // since training started
    int epochs = 0;                // the run's planned epochs
    double gpuMemoryBytes = 0.0;   // in use on the run's GPU; 0 on the CPU
};

struct EpochMetrics {
    int epoch = 0;
    int epochs = 0;
    double trainLoss = 0.0;
    double trainAccuracy = 0.0;
    std::optional<double> validationLoss; // absent without a validation split
    std::optional<double> validationAccuracy;
    double learningRate = 0.0; // at the epoch's last step
    double samplesPerSecond = 0.0; // training samples per second of this epoch
    // Share of the epoch the training step spent waiting for its next batch.
    double dataWaitShare = 0.0;
    double elapsedSeconds = 0.0;
};

struct TrainingSummary {
    int epochsCompleted = 0;
    bool stoppedEarly = false; // early stopping ended the run before its last epoch
    int bestEpoch = 0;         // whose weights were restored; 0: the last epoch's are kept
    int resumedAfter = 0;      // the epoch a resumed run continued after
    std::string checkpoint;    // the last checkpoint written, holding the trained weights
    int64_t checkpointBatches = 0; // a run stopped within an epoch: that epoch's batches the checkpoint holds
    std::optional<EpochMetrics> lastEpoch;
    std::optional<double> testLoss;     // when the dataset has a test set
    std::optional<double> testAccuracy;
    double samplesPerSecond = 0.0;      // over all training batches
    double seconds = 0.0;               // wall time of the whole run
    std::string device;                 // "cpu", "cuda:0"
    int workers = 1;                    // data-parallel processes; the figures cover them all
    int threads = 1;                    // CPU threads of the layers' kernels
    int blasThreads = 1;                // CPU threads of OpenBLAS's matrix products
};

// The summary as `lepton train --json` prints it and the run history keeps
// it; NaN (regression accuracy) and absent figures are null.
nlohmann::ordered_json summaryToJson(const TrainingSummary& summary);

struct TrainingEvent {
    enum class Kind { Batch, Epoch, State, Log, Finished };
    Kind kind = Kind::Log;
    BatchMetrics batch;       // Kind::Batch
    EpochMetrics epoch;       // Kind::Epoch
    TrainerState state = TrainerState::Idle; // Kind::State and Kind::Finished
    std::string message;      // Kind::Log, and the error for a Failed state
    TrainingSummary summary;  // Kind::Finished (last event of every run)
};

// Multi-producer, multi-consumer queue between the training thread and
// whoever shows progress (the GUI drains it on a timer, the CLI blocks).
class EventQueue {
public:
    void push(TrainingEvent event);
    // Everything queued so far, without waiting.
    std::vector<TrainingEvent> takeAll();
    // Waits up to `timeout` for at least one event, then up to `gather`
    // longer for the events that follow it, unless the run finishes first,
    // and takes all: a reader that handles events in bulk (one transaction,
    // one progress line) then wakes a few times a second, not at every batch.
    std::vector<TrainingEvent> waitAndTakeAll(std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds gather = std::chrono::milliseconds(0));

private:
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<TrainingEvent> m_events;
};

} // namespace lepton
