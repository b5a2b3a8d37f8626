#include "commands.h"

#include "history/runhistory.h"
#include "util/atomicfile.h"
#include "util/displaytext.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace lepton::cli {
namespace {

std::string localTime(double secondsSinceEpoch, const char* format = "%Y-%m-%d %H:%M")
{
    const std::time_t time = static_cast<std::time_t>(secondsSinceEpoch);
    std::tm parts{};
    localtime_r(&time, &parts);
    char text[32];
    std::strftime(text, sizeof text, format, &parts);
    return text;
}

// How long the run trained: its own figure once it ended, else the time
// since it started while it runs; unknown for an interrupted run.
std::optional<double> durationOf(const RunRecord& run)
{
    if (run.summary.is_object() && run.summary.value("seconds", 0.0) > 0.0)
        return run.summary["seconds"].get<double>();
    if (run.ended)
        return *run.ended - run.started;
    if (run.status == RunStatus::Running) {
        const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        return now - run.started;
    }
    return std::nullopt;
}

std::string duration(std::optional<double> seconds)
{
    if (!seconds)
        return "-";
    const auto total = static_cast<long long>(std::llround(*seconds));
    char text[32];
    if (total >= 3600)
        std::snprintf(text, sizeof text, "%lldh %02lldm", total / 3600, total / 60 % 60);
    else
        std::snprintf(text, sizeof text, "%lldm %02llds", total / 60, total % 60);
    return text;
}

std::string percent(std::optional<double> fraction)
{
    if (!fraction || !std::isfinite(*fraction))
        return "-";
    char text[16];
    std::snprintf(text, sizeof text, "%.2f%%", 100.0 * *fraction);
    return text;
}

std::optional<double> summaryNumber(const RunRecord& run, const char* key)
{
    if (!run.summary.is_object() || !run.summary.contains(key) || !run.summary[key].is_number())
        return std::nullopt;
    return run.summary[key].get<double>();
}

std::string setting(const RunRecord& run, const char* key)
{
    if (!run.settings.is_object() || !run.settings.contains(key))
        return "-";
    const nlohmann::json& value = run.settings[key];
    return value.is_string() ? value.get<std::string>() : value.dump();
}

nlohmann::ordered_json optionalJson(std::optional<double> value)
{
    return value && std::isfinite(*value) ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

nlohmann::ordered_json runJson(const RunRecord& run)
{
    return {
        {"id", run.id},
        {"name", run.name},
        {"status", toString(run.status)},
        {"source", run.source},
        {"started", localTime(run.started, "%Y-%m-%dT%H:%M:%S%z")},
        {"ended", run.ended ? nlohmann::ordered_json(localTime(*run.ended, "%Y-%m-%dT%H:%M:%S%z")) : nullptr},
        {"seconds", optionalJson(durationOf(run))},
        {"device", run.device},
        {"epochs", run.epochs},
        {"best_validation_accuracy", optionalJson(run.bestValidationAccuracy)},
        {"best_validation_loss", optionalJson(run.bestValidationLoss)},
        {"test_accuracy", optionalJson(summaryNumber(run, "test_accuracy"))},
        {"resumes", run.resumes},
        {"tags", run.tags},
        {"notes", run.notes},
        {"error", run.error},
        {"settings", run.settings},
        {"summary", run.summary},
    };
}

void printTable(std::ostream& out, const std::vector<RunRecord>& runs)
{
    out << std::left << std::setw(5) << "ID" << std::setw(16) << "NAME" << std::setw(13) << "STATUS"
        << std::setw(18) << "STARTED" << std::setw(10) << "TRAINED" << std::setw(8) << "DEVICE" << std::setw(8)
        << "EPOCHS" << std::setw(14) << "BEST VAL ACC" << std::setw(10) << "TEST ACC" << std::setw(10)
        << "OPTIMIZER" << std::setw(8) << "LR" << "BATCH\n";
    for (const RunRecord& run : runs) {
        out << std::setw(5) << run.id << std::setw(16) << displayText(run.name).substr(0, 15) << std::setw(13)
            << toString(run.status) << std::setw(18) << localTime(run.started) << std::setw(10)
            << duration(durationOf(run)) << std::setw(8) << run.device << std::setw(8)
            << (std::to_string(run.epochs) + "/" + setting(run, "epochs")) << std::setw(14)
            << percent(run.bestValidationAccuracy) << std::setw(10) << percent(summaryNumber(run, "test_accuracy"))
            << std::setw(10) << setting(run, "optimizer") << std::setw(8) << setting(run, "learning_rate")
            << setting(run, "batch_size") << '\n';
        if (!run.error.empty())
            out << "     " << displayText(run.error) << '\n';
    }
}

} // namespace

int runRuns(const RunsOptions& options)
{
    const std::string directory = options.projectPath + ".d";
    if (!std::filesystem::exists(RunHistory::fileIn(directory))) {
        if (options.exportRun)
            throw std::runtime_error(options.projectPath + " has no recorded runs (no "
                                     + RunHistory::fileIn(directory) + ")");
        if (options.json)
            std::cout << "[]" << std::endl;
        else
            std::cout << "no runs recorded yet for " << options.projectPath << "; lepton train records every run\n";
        return 0;
    }
    RunHistory history(directory);
    if (options.exportRun) {
        if (!history.run(*options.exportRun))
            throw std::runtime_error(RunHistory::fileIn(directory) + " has no run " + std::to_string(*options.exportRun)
                                     + " (lepton runs " + options.projectPath + " lists them)");
        const std::string csv = history.metricsCsv(*options.exportRun);
        if (options.csvPath == "-")
            std::cout << csv;
        else
            writeFileAtomically(options.csvPath, csv);
        return 0;
    }
    const std::vector<RunRecord> runs = history.runs();
    if (options.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const RunRecord& run : runs)
            list.push_back(runJson(run));
        std::cout << list.dump(2) << std::endl;
    } else {
        printTable(std::cout, runs);
    }
    return 0;
}

} // namespace lepton::cli
