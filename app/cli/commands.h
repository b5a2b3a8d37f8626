#pragma once

#include "data/datasetspec.h"

#include <csignal>
#include <cstdint>
#include <vector>
#include <optional>
#include <utility>
#include <string>

namespace lepton::cli {

struct TrainOptions {
    std::string projectPath;
    std::optional<int> epochs;         // overrides the project's setting
    std::optional<std::string> device; // "cpu", "cuda", "cuda:N"
    bool json = false;                 // summary as JSON on stdout, progress on stderr
    bool resume = false;               // continue the last stopped, failed or interrupted run
    std::string weights;               // start from this checkpoint's weights, matched by node id and shape
    int processes = 1;                 // data-parallel workers to start on this machine
    int cores = 0;                     // the most CPU cores to use; 0: all
    std::vector<std::string> overrides; // KEY=VALUE: training settings and LAYER.PARAM for this run
    std::string checkpointDir;          // instead of PROJECT.d
    std::string tags;                   // the run's tags in the history
};

struct SweepOptions {
    std::string projectPath;
    std::string specPath;
    int parallel = 1; // trials at a time, each its own process
    bool json = false;
};

struct RunsOptions {
    std::string projectPath;
    bool json = false;
    std::optional<int64_t> exportRun; // write this run's metrics to csvPath
    std::string csvPath;              // "-": stdout
};

struct ExportOptions {
    std::string projectPath;
    std::string format = "all";      // an export format's name, or "all"
    std::string checkpoint = "last"; // "last", "best" or a checkpoint file
    std::string outDir;              // default: PROJECT.d/export
    bool half = false;               // float16 weights
    bool json = false;
};

struct PredictOptions {
    std::string model;               // a .lepton project or an exported .torchscript.pt
    std::vector<std::string> inputs; // CSV/TSV, images, NPY
    std::string checkpoint = "last";
    int top = 3;
    bool json = false;
};

struct InspectOptions {
    std::string projectPath;
};

struct LayersOptions {
    bool json = false; // one JSON array on stdout instead of the readable list
};

struct DataOptions {
    std::string path;   // a data file or folder, or a .lepton project
    std::string target; // the column to learn, for table sources
    bool json = false;
};

struct NewOptions {
    std::string outPath;
    std::string dataPath;
    std::string target;
    std::string templateName; // empty: a starter network chosen from the data
    bool force = false;       // replace an existing file
};

// Each returns the process exit code; errors propagate as exceptions and
// main() turns them into one readable line on stderr.
int runTrain(const TrainOptions& options);
// The signals runTrain() handles (Ctrl+C stops, SIGUSR1 pauses); a worker
// holds them back from its start until the handlers are in place.
sigset_t trainSignals();
// Starts options.processes workers of `lepton train` on this machine and
// waits for them all: rank 0's exit code, or 1 when only another failed.
int runLocalWorkers(const TrainOptions& options);
int runInspect(const InspectOptions& options);
int runExport(const ExportOptions& options);
int runPredict(const PredictOptions& options);
// Searches hyperparameters: each trial a `lepton train` process, ranked by the metric.
int runSweep(const SweepOptions& options);
// Lists the runs in the project's history, or exports one run's metrics.
int runRuns(const RunsOptions& options);
int runLayers(const LayersOptions& options);
int runData(const DataOptions& options);
int runNew(const NewOptions& options);
// Lists the devices `--device` takes, with each GPU's name and memory.
int runDevices(bool json);

// The dataset a path names (a project's, or the data file or folder itself,
// read by the source that recognizes it) and the folder its relative paths
// resolve against.
std::pair<DatasetSpec, std::string> dataAt(const std::string& path, const std::string& target);

} // namespace lepton::cli
