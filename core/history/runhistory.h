#pragma once

#include "history/sqlite.h"
#include "train/trainingevent.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lepton {

// Interrupted: the process recording the run ended without saying how the
// run ended (a kill, a crash, a power cut), found when the history is read.
enum class RunStatus { Running, Finished, Stopped, Failed, Interrupted };
std::string toString(RunStatus status); // "running", ...
RunStatus runStatusFor(TrainerState endState);

// What is known of a run as it starts.
struct RunStart {
    std::string source;      // "cli", "workbench"
    std::string device;      // as the settings name it: "cpu", "cuda"
    nlohmann::json settings; // trainingToJson() of the run's settings
    nlohmann::json graph;    // graphToJson() of the graph it trains
    nlohmann::json dataset;  // the project's "dataset" object
    bool resume = false;     // continues the latest run once it trains again
    std::string tags;        // "sweep 3, trial 2"
    std::string checkpointDir; // where its last.ckpt goes: what a resume continues from
};

struct RunRecord {
    int64_t id = 0;
    std::string name;
    RunStatus status = RunStatus::Running;
    std::string source;
    double started = 0.0;              // seconds since the Unix epoch
    std::optional<double> ended;
    std::string device;
    std::string host;
    int64_t pid = 0;
    int resumes = 0;
    nlohmann::json settings, graph, dataset;
    nlohmann::json summary;            // summaryToJson() once the run ended; null before
    std::string error;
    std::string tags;
    std::string notes;
    // From the epoch records: the best of each, absent without them.
    int epochs = 0;
    std::optional<double> bestValidationAccuracy;
    std::optional<double> bestValidationLoss;
};

// Every run of a project, in NAME.lepton.d/runs.sqlite: settings, graph,
// per-batch and per-epoch metrics, outcome. SQLite in WAL mode, so a reader
// (the workbench) can follow a run another process (the CLI) is writing, and
// what one transaction wrote survives the writer being killed. Safe to use
// from several threads.
class RunHistory {
public:
    // Opens or creates the history in `directory`, creating the folder.
    // Throws std::runtime_error naming the file when it cannot.
    explicit RunHistory(const std::string& directory);
    static std::string fileIn(const std::string& directory);

    // A new run "run N" in state Running, owned by this process.
    int64_t begin(const RunStart& start);
    // The run a resume from `checkpointDir` continues: the latest that wrote there.
    std::optional<int64_t> latestRun(const std::string& checkpointDir);
    // Marks a resumed run running again, owned by this process.
    void reopen(int64_t run);
    // Batch and Epoch events of `run`, in one transaction; others are skipped.
    void record(int64_t run, const std::vector<TrainingEvent>& events);
    void finish(int64_t run, RunStatus status, const TrainingSummary& summary, const std::string& error);

    // Newest first. Runs still marked running whose process on this machine
    // is gone are marked interrupted first.
    std::vector<RunRecord> runs();
    std::optional<RunRecord> run(int64_t id);
    // The run's batches in step order; with `afterStep`, only those after it.
    std::vector<BatchMetrics> batchMetrics(int64_t run, int64_t afterStep = 0);
    std::vector<EpochMetrics> epochMetrics(int64_t run);
    // The run's metrics as CSV: a header, one row per epoch, then one per
    // batch (whose train loss and accuracy are the batch's own).
    std::string metricsCsv(int64_t run);

    void rename(int64_t run, const std::string& name);
    void setTags(int64_t run, const std::string& tags);
    void setNotes(int64_t run, const std::string& notes);
    void remove(int64_t run);

private:
    void markInterrupted();
    std::vector<RunRecord> select(const std::string& where, std::optional<int64_t> id);

    std::mutex m_mutex;
    SqliteDatabase m_db;
};

} // namespace lepton
