// What keeping the run history costs: SQLite time per recorded batch, and
// spiral-mlp (the smallest training step of the examples, so the worst case)
// trained with and without a RunRecorder beside the trainer.
//
//   build/bin/bench_history
#include "graph/layerregistry.h"
#include "history/runrecorder.h"
#include "project/project.h"
#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include <unistd.h>

using namespace lepton;

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::filesystem::path scratchFolder(const char* name)
{
    const std::filesystem::path folder =
        std::filesystem::temp_directory_path() / ("lepton-bench-history-" + std::to_string(getpid())) / name;
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    return folder;
}

// Microseconds per batch event written through RunHistory::record, in drains
// of `perDrain` events (the recorder takes what arrived in its last 200 ms).
double recordMicroseconds(int batches, int perDrain)
{
    RunHistory history(scratchFolder("record").string());
    RunStart start;
    start.source = "bench";
    const int64_t run = history.begin(start);
    std::vector<TrainingEvent> drain;
    const Clock::time_point begin = Clock::now();
    for (int b = 1; b <= batches; ++b) {
        TrainingEvent event;
        event.kind = TrainingEvent::Kind::Batch;
        event.batch = {1 + b / 1000, b % 1000 + 1, 1000, 1.0 / b, 0.5, 0.01, 1e5, b * 1e-4};
        drain.push_back(event);
        if (static_cast<int>(drain.size()) == perDrain || b == batches) {
            history.record(run, drain);
            drain.clear();
        }
    }
    return std::chrono::duration<double, std::micro>(Clock::now() - begin).count() / batches;
}

// samples/s of one spiral-mlp run, recorded or not.
double trainSpiral(const Project& project, bool record)
{
    TrainingJob job;
    job.graph = project.graph;
    job.dataset = project.dataset;
    job.baseDir = LEPTON_SOURCE_DIR "/projects";
    job.config = project.training;
    job.checkpointDir = scratchFolder(record ? "recorded" : "plain").string();
    Trainer trainer;
    std::optional<RunRecorder> recorder;
    if (record) {
        recorder.emplace(trainer.subscribe());
        recorder->begin(job.checkpointDir, runStartFor(job, "bench"));
    }
    trainer.start(std::move(job));
    for (;;) {
        for (const TrainingEvent& event : trainer.events().waitAndTakeAll(std::chrono::milliseconds(200))) {
            if (event.kind != TrainingEvent::Kind::Finished)
                continue;
            trainer.wait();
            if (recorder)
                recorder->waitUntilFinished();
            return event.summary.samplesPerSecond;
        }
    }
}

} // namespace

int main()
{
    for (int perDrain : {1, 64, 700})
        std::printf("record 100,000 batches, %3d per transaction: %.2f us per batch\n", perDrain,
                    recordMicroseconds(100000, perDrain));

    const Project project = loadProject(LEPTON_SOURCE_DIR "/projects/spiral-mlp.lepton", LayerRegistry::builtin());
    const int batchSize = project.training.batchSize;
    std::vector<double> plain, recorded;
    for (int round = 0; round < 5; ++round) { // alternating, so drift hits both alike
        plain.push_back(trainSpiral(project, false));
        recorded.push_back(trainSpiral(project, true));
    }
    const double withoutHistory = median(plain);
    const double withHistory = median(recorded);
    std::printf("spiral-mlp, %d epochs of batch %d, median of 5 runs each:\n", project.training.epochs, batchSize);
    std::printf("  without the history %.0f samples/s (%.1f us per batch)\n", withoutHistory,
                1e6 * batchSize / withoutHistory);
    std::printf("  recorded            %.0f samples/s (%.1f us per batch), %.1f%% slower\n", withHistory,
                1e6 * batchSize / withHistory, 100.0 * (1.0 - withHistory / withoutHistory));
    std::filesystem::remove_all(scratchFolder("record").parent_path());
    return 0;
}
