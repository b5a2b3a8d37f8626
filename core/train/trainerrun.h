#pragma once

// The inside of a Trainer's run, shared by trainer.cpp (the run's set-up and
// its thread) and runepochs.cpp (resuming and the epoch loop); no one else
// includes it.

#include "model/graphmodule.h"
#include "train/batchtransform.h"
#include "train/checkpointretention.h"
#include "train/evaluation.h"
#include "train/lrschedule.h"
#include "train/mixedprecision.h"
#include "train/trainer.h"
#include "train/workergroup.h"

#include <torch/torch.h>

#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace lepton {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

inline double rate(int64_t samples, double seconds)
{
    return seconds > 0.0 ? static_cast<double>(samples) / seconds : 0.0;
}

// How far an epoch got: what a run stopped in the middle of one keeps, so
// that a resumed run goes on from the same batch with the same sums.
struct EpochSoFar {
    int64_t batches = 0;
    double lossSum = 0.0;
    int64_t correct = 0;
    int64_t seen = 0;
    double seconds = 0.0;
};

// A run's parts: the loaded sets wrapped as CPU tensors and picked by
// index (batches are gathered there and moved to the device one at a time),
// and the transform every batch goes through.
struct RunData {
    SampleSet train;
    std::optional<SampleSet> validation;
    std::optional<SampleSet> test;
    BatchTransform transform;
};

// What a run carries from epoch to epoch, and its checkpoints keep.
struct RunProgress {
    RunProgress(const TrainingConfig& config, int64_t batchesPerEpoch, bool mixedPrecision,
                const std::string& checkpointDir)
        : schedule(config, batchesPerEpoch)
        , watch(higherIsBetter(config.monitor, config.mode), config.minDelta)
        , scaler(mixedPrecision)
        , retention(checkpointDir, config.keepLastCheckpoints, config.keepBestCheckpoints,
                    higherIsBetter(config.monitor, config.mode))
    {
    }

    LearningRateSchedule schedule;
    MetricWatch watch; // the monitored metric's best, for best.ckpt and early stopping
    GradScaler scaler;
    CheckpointRetention retention;
    std::vector<torch::Tensor> best; // the best epoch's weights, to restore
    int bestEpoch = 0;
    double trainingSeconds = 0.0;
    int64_t trainedSamples = 0;
    int firstEpoch = 1;
    EpochSoFar resumeWithin; // of firstEpoch, when a run stopped in it
    // The run's first batch loss: what divergence is judged against.
    double startLoss = std::numeric_limits<double>::quiet_NaN();
};

// One run on its own thread; everything it touches besides the Trainer's
// state, stop flag and event queue is its own copy.
class Trainer::Run {
public:
    Run(Trainer& trainer, TrainingJob job)
        : m_trainer(trainer), m_job(std::move(job)), m_thread([this] { execute(); })
    {
    }
    ~Run() { join(); }

    void join()
    {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    // Never lets an exception escape: failures become a Failed state.
    void execute();
    // Returns Finished or Stopped; throws on failure.
    TrainerState train(TrainingSummary& summary);
    // Reads last.ckpt into the model, optimizer, generators and `progress`;
    // throws when the run there cannot be continued as configured.
    // Resumed: epoch files no kept epoch lists go, and best.ckpt is made the
    // best epoch's file again where that is kept.
    void tidyCheckpoints(RunProgress& progress);
    void resume(GraphModule& model, torch::optim::Optimizer& optimizer, RunProgress& progress,
                size_t batchesPerEpoch, torch::Device device, TrainingSummary& summary);
    TrainerState runEpochs(GraphModule& model, torch::Device device, const RunData& data,
                           TrainingSummary& summary);

    bool stopRequested() const { return m_trainer.m_stopRequested.load(); }
    // The stop flag for work a run may give up alone; null for a worker of a
    // group, whose workers stop together at a batch's exchange.
    const std::atomic<bool>* loneStop() const
    {
        return m_job.worker.distributed() ? nullptr : &m_trainer.m_stopRequested;
    }
    // Blocks while the run is paused; returns once unpaused or stopped.
    void waitWhilePaused();
    void push(TrainingEvent event) { m_trainer.publish(std::move(event)); }
    void log(const std::string& message);

    Trainer& m_trainer;
    TrainingJob m_job;
    torch::Generator m_generator; // shuffles; separate from the global one that seeds weights
    std::unique_ptr<WorkerGroup> m_group; // the other workers of a data-parallel run
    nlohmann::json m_modelRecord;         // modelrecord.h: what every checkpoint keeps
    int m_cores = 1; // this worker's share of the machine: for its threads and its batch preparation
    std::thread m_thread;          // last: starts once the members above exist
};

} // namespace lepton
