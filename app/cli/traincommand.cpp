#include "commands.h"
#include "progressline.h"

#include "graph/layerregistry.h"
#include "history/runrecorder.h"
#include "project/project.h"
#include "sweep/projectoverride.h"
#include "train/trainer.h"
#include "train/workerplace.h"
#include "util/displaytext.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <unistd.h>

namespace lepton::cli {
namespace {

std::atomic<int> g_stopSignal{0}; // the SIGINT, SIGTERM or SIGHUP that asked the run to stop
std::atomic<int> g_pauseSignals{0}; // each SIGUSR1 pauses a running run or continues a paused one

// The first Ctrl+C, SIGTERM or SIGHUP asks for a clean stop; a second of the
// same ends the process.
extern "C" void onStopSignal(int signal)
{
    g_stopSignal = signal;
    std::signal(signal, SIG_DFL);
}

// "interrupted (Ctrl+C)", "terminated (SIGTERM)", "hung up (SIGHUP)".
const char* stopSignalText(int signal)
{
    return signal == SIGTERM ? "terminated (SIGTERM)" : signal == SIGHUP ? "hung up (SIGHUP)" : "interrupted (Ctrl+C)";
}

extern "C" void onPauseSignal(int)
{
    ++g_pauseSignals;
}

std::string percent(double fraction)
{
    if (std::isnan(fraction))
        return "-";
    char text[16];
    std::snprintf(text, sizeof text, "%.2f%%", 100.0 * fraction);
    return text;
}

std::string number(double value, const char* format = "%.4f")
{
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// Four decimals, or four significant digits where those would run long:
// a diverging run's 3.2e35 stays short and whole.
std::string lossText(double value)
{
    return number(value, std::abs(value) < 1e5 ? "%.4f" : "%.4g");
}

void printEpoch(std::ostream& out, const EpochMetrics& m)
{
    out << "epoch " << m.epoch << '/' << m.epochs << "  loss " << lossText(m.trainLoss)
        << "  acc " << percent(m.trainAccuracy);
    if (m.validationLoss)
        out << "  val_loss " << lossText(*m.validationLoss) << "  val_acc "
            << percent(m.validationAccuracy.value_or(NAN));
    out << "  lr " << number(m.learningRate, "%.3g") << "  " << number(m.samplesPerSecond, "%.0f")
        << " samples/s  data wait "
        << number(m.dataWaitShare * 100.0, "%.1f") << "%  " << number(m.elapsedSeconds, "%.1f")
        << " s" << std::endl;
}

nlohmann::ordered_json summaryJson(const TrainingSummary& s, TrainerState state, const std::string& error)
{
    nlohmann::ordered_json json = {{"state", toString(state)}};
    json.update(summaryToJson(s));
    if (!error.empty())
        json["error"] = error;
    return json;
}

void printSummary(std::ostream& out, const TrainingSummary& s, TrainerState state)
{
    out << toString(state) << ": " << s.epochsCompleted << (s.epochsCompleted == 1 ? " epoch in " : " epochs in ") << number(s.seconds, "%.1f")
        << " s on " << s.device << (s.workers > 1 ? " with " + std::to_string(s.workers) + " workers" : "") << ", " << number(s.samplesPerSecond, "%.0f") << " samples/s"
        << (s.stoppedEarly ? ", stopped early" : "") << '\n';
    if (s.bestEpoch > 0)
        out << "  weights of epoch " << s.bestEpoch << ", the best (the metrics below are the last epoch's)\n";
    if (s.lastEpoch) {
        out << "  train       loss " << lossText(s.lastEpoch->trainLoss) << "  accuracy "
            << percent(s.lastEpoch->trainAccuracy) << '\n';
        if (s.lastEpoch->validationLoss)
            out << "  validation  loss " << lossText(*s.lastEpoch->validationLoss) << "  accuracy "
                << percent(s.lastEpoch->validationAccuracy.value_or(NAN)) << '\n';
    }
    if (s.testLoss)
        out << "  test        loss " << lossText(*s.testLoss) << "  accuracy "
            << percent(s.testAccuracy.value_or(NAN)) << '\n';
    if (!s.checkpoint.empty())
        out << "  weights     " << s.checkpoint << '\n';
}

// The project's run, with the command line's overrides; this process's place
// among data-parallel workers comes from the environment.
TrainingJob jobFor(const TrainOptions& options)
{
    Project project = loadProject(options.projectPath, LayerRegistry::builtin());
    for (const std::string& text : options.overrides) {
        const auto [key, value] = parseOverride(text);
        applyOverride(project, key, value, LayerRegistry::builtin());
    }
    TrainingJob job;
    job.graph = project.graph;
    job.dataset = project.dataset;
    job.baseDir = std::filesystem::path(options.projectPath).parent_path().string();
    job.config = project.training;
    if (options.epochs)
        job.config.epochs = *options.epochs;
    if (options.device)
        job.config.device = *options.device;
    job.checkpointDir = options.checkpointDir.empty() ? options.projectPath + ".d" : options.checkpointDir;
    job.resume = options.resume;
    job.initialWeights = options.weights;
    job.worker = workerPlaceFromEnvironment();
    job.cores = options.cores;
    return job;
}

} // namespace

sigset_t trainSignals()
{
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
        sigaddset(&signals, signal);
    return signals;
}

int runTrain(const TrainOptions& options)
{
    // Handled from the start, so Ctrl+C while the project and data load
    // stops as cleanly as one during training.
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        std::signal(signal, onStopSignal);
    std::signal(SIGUSR1, onPauseSignal);
    const sigset_t handled = trainSignals(); // a worker started by --nproc held them back until now
    sigprocmask(SIG_UNBLOCK, &handled, nullptr);

    TrainingJob job = jobFor(options);
    if (job.worker.distributed())
        prepareWorkerEnvironment();

    // With --json, stdout carries only the summary so scripts can parse it.
    // Of a data-parallel group only rank 0 reports; the others say only what went wrong.
    const bool reports = job.worker.rank == 0;
    std::ostream silent(nullptr);
    std::ostream& progress = !reports ? silent : options.json ? std::cerr : std::cout;
    std::ostream& result = reports ? std::cout : silent;
    const std::string who = reports ? "lepton: " : "lepton: worker " + std::to_string(job.worker.rank) + ": ";
    const std::string resumeHint = std::string(" --resume") + (job.worker.distributed() ? ", with the same workers" : "");
    if (g_stopSignal != 0) {
        progress << stopSignalText(g_stopSignal) << ": stopped before training started" << std::endl;
        return 128 + g_stopSignal.load();
    }

    // A group's launcher forwards the signal; a single process is sent it directly.
    const std::string pauseHint =
        job.worker.distributed() ? std::string() : " (kill -USR1 " + std::to_string(getpid()) + ")";

    // A live bar where a person watches a terminal; plain lines into files and pipes.
    const bool terminal = reports && isatty(options.json ? STDERR_FILENO : STDOUT_FILENO);
    ProgressLine bar(progress, terminal);
    Trainer trainer;
    // Rank 0 keeps the run in the project's history, as it keeps the checkpoints.
    std::optional<RunRecorder> recorder;
    if (reports) {
        recorder.emplace(trainer.subscribe());
        try {
            // The history is the project's, also when a sweep puts a trial's checkpoints elsewhere.
            const std::string historyDir = options.projectPath + ".d";
            RunStart start = runStartFor(job, "cli");
            start.tags = options.tags;
            const int64_t run = recorder->begin(historyDir, start);
            progress << "run " << run << ", recorded in " << RunHistory::fileIn(historyDir) << std::endl;
        } catch (const std::exception& problem) {
            std::cerr << who << "this run is not recorded in the run history: " << problem.what() << '\n';
        }
    }
    trainer.start(std::move(job));
    std::string error;
    bool stopRequested = false;
    int pauseSignalsSeen = 0;
    bool reportedPaused = false;
    for (;;) {
        if (g_stopSignal != 0 && !stopRequested) {
            bar.clear();
            progress << stopSignalText(g_stopSignal) << ": stopping after the current batch" << std::endl;
            trainer.requestStop();
            stopRequested = true;
        }
        if (const int signals = g_pauseSignals.load(); signals != pauseSignalsSeen) {
            pauseSignalsSeen = signals;
            trainer.setPaused(signals % 2 != 0); // every other signal pauses
        }
        // Gathered for a tenth of a second: the progress line shows no more, and a
        // wake at every batch would take time from the run.
        const auto events = trainer.events().waitAndTakeAll(std::chrono::milliseconds(200), std::chrono::milliseconds(100));
        const BatchMetrics* latestBatch = nullptr; // drawn once the lines before it are out
        for (const TrainingEvent& event : events) {
            if (event.kind != TrainingEvent::Kind::Batch) {
                bar.clear();
                latestBatch = nullptr;
            }
            switch (event.kind) {
            case TrainingEvent::Kind::Epoch:
                printEpoch(progress, event.epoch);
                break;
            case TrainingEvent::Kind::State:
                if (event.state == TrainerState::Failed)
                    error = event.message;
                if (event.state == TrainerState::Paused) {
                    progress << "paused; SIGUSR1 again continues" << pauseHint << ", Ctrl+C stops" << std::endl;
                    reportedPaused = true;
                } else if (event.state == TrainerState::Running && reportedPaused) {
                    progress << "continuing" << std::endl;
                    reportedPaused = false;
                }
                break;
            case TrainingEvent::Kind::Log:
                progress << displayText(event.message) << std::endl;
                break;
            case TrainingEvent::Kind::Finished:
                trainer.wait();
                if (recorder) {
                    recorder->waitUntilFinished();
                    if (const std::string problem = recorder->problem(); !problem.empty())
                        std::cerr << who << "the run history stopped recording this run: " << problem << '\n';
                }
                if (options.json)
                    result << summaryJson(event.summary, event.state, error).dump(2) << std::endl;
                else if (event.state != TrainerState::Failed)
                    printSummary(result, event.summary, event.state);
                if (event.state == TrainerState::Failed)
                    std::cerr << who << "training failed: " << displayText(error) << '\n';
                if (event.state != TrainerState::Finished && !event.summary.checkpoint.empty())
                    std::cerr << who << "the checkpoint after epoch " << event.summary.epochsCompleted
                              << (event.summary.checkpointBatches > 0
                                      ? " and " + std::to_string(event.summary.checkpointBatches) + " batches of the next"
                                      : std::string())
                              << " is in " << event.summary.checkpoint << "; continue with: lepton train "
                              << options.projectPath << resumeHint << '\n';
                // Stopped: by a signal here or, in a group, at another worker's;
                // the shell's status for the signal (130 for Ctrl+C).
                if (event.state == TrainerState::Stopped)
                    return 128 + (g_stopSignal != 0 ? g_stopSignal.load() : SIGINT);
                return event.state == TrainerState::Finished ? 0 : 1;
            case TrainingEvent::Kind::Batch:
                latestBatch = &event.batch;
                break;
            }
        }
        if (latestBatch)
            bar.update(*latestBatch);
    }
}

} // namespace lepton::cli
