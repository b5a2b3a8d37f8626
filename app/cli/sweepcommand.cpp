// `lepton sweep PROJECT SPEC.json`: a hyperparameter search whose trials are
// `lepton train PROJECT --set ...` processes, one or several at a time, each
// a run in the project's history tagged with the sweep and trial.
#include "commands.h"

#include "graph/layerregistry.h"
#include "project/project.h"
#include "sweep/projectoverride.h"
#include "sweep/sweepspec.h"
#include "util/atomicfile.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace lepton::cli {
namespace {

std::atomic<bool> g_stopSweep{false};

extern "C" void onSweepInterrupt(int)
{
    g_stopSweep = true; // the trials, in this process group, get the Ctrl+C themselves
}

struct Trial {
    int number = 0;
    TrialValues values;
    nlohmann::json summary; // the trial's `lepton train --json` output, once it ended
    int exitCode = -1;
    std::optional<double> score;
};

std::string describe(const TrialValues& values)
{
    std::string text;
    for (const auto& [key, value] : values)
        text += (text.empty() ? "" : " ") + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return text;
}

// Starts `lepton train` for one trial, its stdout into `summaryFile` and its
// stderr into `logFile`.
pid_t startTrial(const SweepOptions& options, const Trial& trial, int epochs, const std::filesystem::path& folder,
                 const std::string& sweepName)
{
    std::vector<std::string> arguments{"lepton", "train", options.projectPath, "--json", "--epochs",
                                       std::to_string(epochs), "--checkpoints",
                                       (folder / ("trial-" + std::to_string(trial.number))).string(), "--tag",
                                       sweepName + ", trial " + std::to_string(trial.number)};
    for (const auto& [key, value] : trial.values)
        arguments.insert(arguments.end(), {"--set", key + "=" + (value.is_string() ? value.get<std::string>() : value.dump())});
    const std::string stem = (folder / ("trial-" + std::to_string(trial.number) + "-" + std::to_string(epochs))).string();
    const pid_t child = fork();
    if (child != 0)
        return child;
    const int out = open((stem + ".json").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open((stem + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0)
        _exit(127);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
}

// Trains every trial for `epochs`, `parallel` at a time, and scores them.
void runTrials(const SweepOptions& options, const SweepSpec& spec, std::vector<Trial*> trials, int epochs,
               const std::filesystem::path& folder, const std::string& sweepName)
{
    std::map<pid_t, Trial*> running;
    size_t next = 0;
    while ((next < trials.size() && !g_stopSweep) || !running.empty()) {
        while (running.size() < static_cast<size_t>(options.parallel) && next < trials.size() && !g_stopSweep) {
            Trial* trial = trials[next++];
            std::cerr << "trial " << trial->number << " (" << epochs << " epochs): " << describe(trial->values) << std::endl;
            running[startTrial(options, *trial, epochs, folder, sweepName)] = trial;
        }
        int status = 0;
        const pid_t ended = waitpid(-1, &status, 0);
        if (ended < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        const auto found = running.find(ended);
        if (found == running.end())
            continue;
        Trial* trial = found->second;
        running.erase(found);
        trial->exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::ifstream summary(folder / ("trial-" + std::to_string(trial->number) + "-" + std::to_string(epochs) + ".json"));
        trial->summary = nlohmann::json::parse(summary, nullptr, false);
        trial->score.reset();
        if (trial->summary.is_object() && trial->summary.value(spec.metric, nlohmann::json()).is_number())
            trial->score = trial->summary[spec.metric].get<double>();
        std::cerr << "trial " << trial->number << ": "
                  << (trial->score ? spec.metric + " " + std::to_string(*trial->score)
                                   : "failed (exit " + std::to_string(trial->exitCode) + "; see "
                                         + (folder / ("trial-" + std::to_string(trial->number) + "-"
                                                      + std::to_string(epochs) + ".log")).string() + ")")
                  << std::endl;
    }
}

// Best first; trials without a score last.
void rank(std::vector<Trial*>& trials, bool higherIsBetter)
{
    std::stable_sort(trials.begin(), trials.end(), [higherIsBetter](const Trial* a, const Trial* b) {
        if (!a->score || !b->score)
            return a->score.has_value() && !b->score.has_value();
        return higherIsBetter ? *a->score > *b->score : *a->score < *b->score;
    });
}

// The sweeps of a project are numbered: PROJECT.d/sweeps/sweep-N.
std::filesystem::path newSweepFolder(const std::string& projectPath, std::string& name)
{
    const std::filesystem::path sweeps = std::filesystem::path(projectPath + ".d") / "sweeps";
    std::filesystem::create_directories(sweeps);
    for (int n = 1;; ++n) {
        const std::filesystem::path folder = sweeps / ("sweep-" + std::to_string(n));
        if (std::filesystem::create_directory(folder)) {
            name = "sweep " + std::to_string(n);
            return folder;
        }
    }
}

} // namespace

int runSweep(const SweepOptions& options)
{
    nlohmann::json specJson;
    {
        std::ifstream in(options.specPath);
        specJson = nlohmann::json::parse(in, nullptr, false);
        if (specJson.is_discarded())
            throw std::runtime_error(options.specPath + ": not valid JSON");
    }
    SweepSpec spec;
    try {
        spec = sweepSpecFromJson(specJson);
    } catch (const std::invalid_argument& error) {
        throw std::runtime_error(options.specPath + ": " + error.what());
    }
    const Project project = loadProject(options.projectPath, LayerRegistry::builtin());
    std::vector<Trial> trials;
    for (TrialValues& values : sweepTrials(spec)) {
        Trial trial{static_cast<int>(trials.size()) + 1, std::move(values), {}, -1, std::nullopt};
        Project tried = project; // every trial's values must fit before any trains
        for (const auto& [key, value] : trial.values) {
            try {
                applyOverride(tried, key, value, LayerRegistry::builtin());
            } catch (const std::invalid_argument& error) {
                throw std::runtime_error(options.specPath + ": trial " + std::to_string(trial.number) + ": " + error.what());
            }
        }
        trials.push_back(std::move(trial));
    }

    std::string sweepName;
    const std::filesystem::path folder = newSweepFolder(options.projectPath, sweepName);
    std::signal(SIGINT, onSweepInterrupt);
    std::cerr << sweepName << ": " << trials.size() << " trials, ranked by " << spec.metric
              << (spec.higherIsBetter ? " (highest first)" : " (lowest first)") << "; files in " << folder.string()
              << std::endl;
    std::vector<Trial*> left;
    for (Trial& trial : trials)
        left.push_back(&trial);
    const int maxEpochs = project.training.epochs;
    std::vector<int> rungs{maxEpochs};
    if (spec.method == SweepSpec::Method::Halving)
        rungs = halvingRungs(spec, static_cast<int>(trials.size()), maxEpochs);
    int lastEpochs = maxEpochs;
    for (size_t r = 0; r < rungs.size() && !g_stopSweep; ++r) {
        if (r > 0) { // the best 1/reduction go on, for longer
            rank(left, spec.higherIsBetter);
            left.resize(std::max<size_t>(1, left.size() / static_cast<size_t>(spec.reduction)));
        }
        runTrials(options, spec, left, rungs[r], folder, sweepName);
        lastEpochs = rungs[r];
    }
    std::vector<Trial*> ranked;
    for (Trial& trial : trials)
        ranked.push_back(&trial);
    rank(ranked, spec.higherIsBetter);

    nlohmann::ordered_json results = {{"sweep", sweepName}, {"metric", spec.metric},
                                      {"higher_is_better", spec.higherIsBetter}, {"trials", nlohmann::ordered_json::array()}};
    for (const Trial* trial : ranked)
        results["trials"].push_back({{"trial", trial->number},
                                     {"values", trial->values},
                                     {"score", trial->score ? nlohmann::ordered_json(*trial->score) : nlohmann::ordered_json()},
                                     {"epochs", trial->summary.is_object() ? trial->summary.value("epochs", 0) : 0},
                                     {"state", trial->summary.is_object() ? trial->summary.value("state", std::string("failed")) : std::string("failed")}});
    writeFileAtomically((folder / "results.json").string(), results.dump(2));
    if (options.json) {
        std::cout << results.dump(2) << std::endl;
    } else {
        // A halving sweep scores each trial at the last rung it reached.
        std::cout << std::left << std::setw(6) << "RANK" << std::setw(7) << "TRIAL" << std::setw(8) << "EPOCHS"
                  << std::setw(22) << spec.metric << "VALUES\n";
        int place = 1;
        for (const Trial* trial : ranked) {
            std::ostringstream score;
            if (trial->score)
                score << std::setprecision(6) << *trial->score;
            else
                score << "failed";
            std::cout << std::setw(6) << place++ << std::setw(7) << trial->number << std::setw(8)
                      << (trial->summary.is_object() ? trial->summary.value("epochs", 0) : 0) << std::setw(22)
                      << score.str() << describe(trial->values) << '\n';
        }
        if (!ranked.empty() && ranked.front()->score) {
            std::cout << "best: " << describe(ranked.front()->values) << " (" << lastEpochs << " epochs)\n"
                      << "train it: lepton train " << options.projectPath;
            for (const auto& [key, value] : ranked.front()->values)
                std::cout << " --set " << key << "=" << (value.is_string() ? value.get<std::string>() : value.dump());
            std::cout << '\n';
        }
    }
    if (g_stopSweep)
        return 130;
    return std::any_of(trials.begin(), trials.end(), [](const Trial& t) { return t.score.has_value(); }) ? 0 : 1;
}

} // namespace lepton::cli
