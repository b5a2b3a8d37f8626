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
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
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

volatile sig_atomic_t g_stopSweep = 0;

// Ctrl+C at a terminal reaches the trials too; a SIGTERM or SIGHUP sent to
// the sweep alone (the workbench closing its dialog) is passed on to them
// by runTrials.
extern "C" void onSweepSignal(int)
{
    g_stopSweep = 1;
}

struct Trial {
    int number = 0;
    TrialValues values;
    nlohmann::json summary; // the trial's `lepton train --json` output at its last rung
    int exitCode = -1;
    std::optional<double> score; // at the last rung it finished
    int scoredEpochs = 0;         // the epochs of that rung
};

std::string shown(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string describe(const TrialValues& values)
{
    std::string text;
    for (const auto& [key, value] : values)
        text += (text.empty() ? "" : " ") + key + "=" + shown(value);
    return text;
}

std::string fileStem(const std::filesystem::path& folder, const Trial& trial, int epochs)
{
    return (folder / ("trial-" + std::to_string(trial.number) + "-" + std::to_string(epochs))).string();
}

// Starts `lepton train` for one trial, its stdout (the JSON summary) and
// stderr into files named by fileStem(); -1 when no process could start.
pid_t startTrial(const SweepOptions& options, const Trial& trial, std::optional<int> epochs,
                 const std::filesystem::path& folder, const std::string& sweepName)
{
    std::vector<std::string> arguments{"lepton", "train", options.projectPath, "--json", "--checkpoints",
                                       (folder / ("trial-" + std::to_string(trial.number))).string(), "--tag",
                                       sweepName + ", trial " + std::to_string(trial.number)};
    if (epochs)
        arguments.insert(arguments.end(), {"--epochs", std::to_string(*epochs)});
    // JSON text, so that a string such as "64" stays a string.
    for (const auto& [key, value] : trial.values)
        arguments.insert(arguments.end(), {"--set", key + "=" + value.dump()});
    const std::string stem = fileStem(folder, trial, epochs.value_or(0));
    // Everything the child needs is made before fork(): only system calls after it.
    const int out = open((stem + ".json").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err = open((stem + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    const pid_t child = out >= 0 && err >= 0 ? fork() : -1;
    if (child == 0) {
        dup2(out, STDOUT_FILENO); // dup2's copies stay open across exec
        dup2(err, STDERR_FILENO);
        execv("/proc/self/exe", argv.data());
        _exit(127);
    }
    if (out >= 0)
        close(out);
    if (err >= 0)
        close(err);
    return child;
}

// Trains every trial (for `epochs`, or the project's), `parallel` at a
// time, and scores those that finished.
void runTrials(const SweepOptions& options, const SweepSpec& spec, std::vector<Trial*> trials, std::optional<int> epochs,
               const std::filesystem::path& folder, const std::string& sweepName)
{
    std::map<pid_t, Trial*> running;
    size_t next = 0;
    bool forwarded = false;
    while ((next < trials.size() && !g_stopSweep) || !running.empty()) {
        while (running.size() < static_cast<size_t>(options.parallel) && next < trials.size() && !g_stopSweep) {
            Trial* trial = trials[next++];
            std::cerr << "trial " << trial->number << (epochs ? " (" + std::to_string(*epochs) + " epochs)" : "")
                      << ": " << describe(trial->values) << std::endl;
            const pid_t child = startTrial(options, *trial, epochs, folder, sweepName);
            if (child < 0) {
                std::cerr << "trial " << trial->number << ": cannot start a process (" << std::strerror(errno)
                          << "); the sweep stops" << std::endl;
                g_stopSweep = 1;
                break;
            }
            running[child] = trial;
        }
        if (g_stopSweep && !forwarded) { // stop the trials as Ctrl+C would: each writes its checkpoint
            for (const auto& [pid, trial] : running)
                kill(pid, SIGINT);
            forwarded = true;
        }
        if (running.empty())
            break;
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
        const std::string stem = fileStem(folder, *trial, epochs.value_or(0));
        std::ifstream summary(stem + ".json");
        trial->summary = nlohmann::json::parse(summary, nullptr, false);
        // A failed or stopped run also prints its last epoch's figures: only a finished one counts.
        const bool finished = trial->exitCode == 0 && trial->summary.is_object()
            && trial->summary.value("state", std::string()) == "finished"
            && trial->summary.value(spec.metric, nlohmann::json()).is_number();
        if (finished) {
            trial->score = trial->summary[spec.metric].get<double>();
            trial->scoredEpochs = trial->summary.value("epochs", 0);
        }
        std::cerr << "trial " << trial->number << ": "
                  << (finished ? spec.metric + " " + std::to_string(*trial->score)
                               : "did not finish (exit " + std::to_string(trial->exitCode) + "; see " + stem + ".log)")
                  << std::endl;
    }
}

// Best first: those that got furthest (successive halving trains the
// survivors longer), then by score; trials without a score last.
void rank(std::vector<Trial*>& trials, bool higherIsBetter)
{
    std::stable_sort(trials.begin(), trials.end(), [higherIsBetter](const Trial* a, const Trial* b) {
        if (!a->score || !b->score)
            return a->score.has_value() && !b->score.has_value();
        if (a->scoredEpochs != b->scoredEpochs)
            return a->scoredEpochs > b->scoredEpochs;
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
        if (!in)
            throw std::runtime_error(options.specPath + ": cannot be read");
        try {
            specJson = nlohmann::json::parse(in);
        } catch (const nlohmann::json::parse_error& error) {
            throw std::runtime_error(options.specPath + ": not valid JSON at byte " + std::to_string(error.byte));
        }
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
        Trial trial;
        trial.number = static_cast<int>(trials.size()) + 1;
        trial.values = std::move(values);
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
    struct sigaction stop = {};
    stop.sa_handler = onSweepSignal; // no SA_RESTART: waitpid returns to pass the stop on
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        sigaction(signal, &stop, nullptr);
    std::cerr << sweepName << ": " << trials.size() << " trials, ranked by " << spec.metric
              << (spec.higherIsBetter ? " (highest first)" : " (lowest first)") << "; files in " << folder.string()
              << std::endl;
    std::vector<Trial*> left;
    for (Trial& trial : trials)
        left.push_back(&trial);
    if (spec.method != SweepSpec::Method::Halving) {
        runTrials(options, spec, left, std::nullopt, folder, sweepName); // each with its own epochs
    } else {
        const std::vector<int> rungs = halvingRungs(spec, static_cast<int>(trials.size()), project.training.epochs);
        for (size_t r = 0; r < rungs.size() && !g_stopSweep; ++r) {
            if (r > 0) { // the best 1/reduction go on, for longer
                rank(left, spec.higherIsBetter);
                left.resize(std::max<size_t>(1, left.size() / static_cast<size_t>(spec.reduction)));
            }
            runTrials(options, spec, left, rungs[r], folder, sweepName);
        }
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
                                     {"epochs", trial->scoredEpochs},
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
                      << trial->scoredEpochs << std::setw(22)
                      << score.str() << describe(trial->values) << '\n';
        }
        if (!ranked.empty() && ranked.front()->score) {
            std::cout << "best: " << describe(ranked.front()->values) << " (" << ranked.front()->scoredEpochs
                      << " epochs)\n"
                      << "train it: lepton train " << options.projectPath;
            for (const auto& [key, value] : ranked.front()->values)
                std::cout << " --set '" << key << "=" << value.dump() << "'";
            std::cout << '\n';
        }
    }
    if (g_stopSweep)
        return 130;
    return std::any_of(trials.begin(), trials.end(), [](const Trial& t) { return t.score.has_value(); }) ? 0 : 1;
}

} // namespace lepton::cli
