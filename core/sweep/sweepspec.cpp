#include "sweep/sweepspec.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace lepton {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw std::invalid_argument(path + ": " + problem);
}

int positiveInteger(const nlohmann::json& json, const char* key, int fallback)
{
    if (!json.contains(key))
        return fallback;
    const nlohmann::json& value = json[key];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 100000)
        fail(std::string("sweep.") + key, "expected a whole number from 1 to 100000, got " + value.dump());
    return value.get<int>();
}

SweepSpec::Parameter parameterFromJson(const std::string& key, const nlohmann::json& json, SweepSpec::Method method)
{
    const std::string path = "sweep.parameters." + key;
    if (!json.is_object())
        fail(path, "expected {\"values\": [...]} or {\"min\": ..., \"max\": ...}");
    SweepSpec::Parameter parameter;
    parameter.key = key;
    if (json.contains("values")) {
        if (!json["values"].is_array() || json["values"].empty())
            fail(path + ".values", "expected a list of at least one value");
        parameter.values = json["values"].get<std::vector<nlohmann::json>>();
        return parameter;
    }
    if (!json.contains("min") || !json.contains("max") || !json["min"].is_number() || !json["max"].is_number())
        fail(path, "expected \"values\" or numbers \"min\" and \"max\"");
    if (method == SweepSpec::Method::Grid)
        fail(path, "a grid search takes lists of values, not ranges");
    parameter.min = json["min"].get<double>();
    parameter.max = json["max"].get<double>();
    parameter.log = json.value("log", false);
    parameter.integer = json["min"].is_number_integer() && json["max"].is_number_integer();
    if (!(parameter.min <= parameter.max))
        fail(path, "min must not be above max");
    if (parameter.log && parameter.min <= 0.0)
        fail(path, "a log range needs a positive min");
    return parameter;
}

nlohmann::json draw(const SweepSpec::Parameter& parameter, std::mt19937_64& random)
{
    if (!parameter.values.empty())
        return parameter.values[std::uniform_int_distribution<size_t>(0, parameter.values.size() - 1)(random)];
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
    const double value = parameter.log
        ? std::exp(std::log(parameter.min) + unit * (std::log(parameter.max) - std::log(parameter.min)))
        : parameter.min + unit * (parameter.max - parameter.min);
    if (parameter.integer)
        return static_cast<int64_t>(std::llround(value));
    // Four significant digits (0.003162, not 0.0031622776601683794), kept inside the range.
    const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::abs(value) > 0 ? std::abs(value) : 1.0)));
    return std::clamp(std::round(value * scale) / scale, parameter.min, parameter.max);
}

SweepSpec readSpec(const nlohmann::json& json)
{
    if (!json.is_object())
        fail("sweep", "expected a JSON object");
    SweepSpec spec;
    const std::string method = json.value("method", std::string("grid"));
    if (method == "grid")
        spec.method = SweepSpec::Method::Grid;
    else if (method == "random")
        spec.method = SweepSpec::Method::Random;
    else if (method == "halving")
        spec.method = SweepSpec::Method::Halving;
    else
        fail("sweep.method", "'" + method + "' is not one of grid, random, halving");
    spec.metric = json.value("metric", spec.metric);
    static const char* const kMetrics[] = {"validation_loss", "validation_accuracy", "train_loss", "train_accuracy",
                                           "test_loss", "test_accuracy"};
    if (std::find(std::begin(kMetrics), std::end(kMetrics), spec.metric) == std::end(kMetrics))
        fail("sweep.metric", "'" + spec.metric + "' is not one of validation_loss, validation_accuracy, train_loss,"
                             " train_accuracy, test_loss, test_accuracy");
    const std::string mode = json.value("mode", std::string("auto"));
    if (mode != "auto" && mode != "min" && mode != "max")
        fail("sweep.mode", "'" + mode + "' is not one of auto, min, max");
    spec.higherIsBetter = mode == "auto" ? spec.metric.find("accuracy") != std::string::npos : mode == "max";
    spec.trials = positiveInteger(json, "trials", spec.trials);
    spec.minEpochs = positiveInteger(json, "min_epochs", spec.minEpochs);
    spec.reduction = positiveInteger(json, "reduction", spec.reduction);
    if (spec.method == SweepSpec::Method::Halving && spec.reduction < 2)
        fail("sweep.reduction", "successive halving keeps 1/reduction of the trials: it must be 2 or more");
    if (json.contains("seed")) {
        if (!json["seed"].is_number_unsigned())
            fail("sweep.seed", "expected a whole number of 0 or more");
        spec.seed = json["seed"].get<uint64_t>();
    }
    if (!json.contains("parameters") || !json["parameters"].is_object() || json["parameters"].empty())
        fail("sweep.parameters", "expected an object naming at least one setting to vary");
    for (const auto& [key, value] : json["parameters"].items()) {
        if (key == "epochs" && spec.method == SweepSpec::Method::Halving)
            fail("sweep.parameters.epochs", "successive halving sets the epochs of each rung itself");
        spec.parameters.push_back(parameterFromJson(key, value, spec.method));
    }
    for (const auto& [key, value] : json.items()) {
        static const char* const kKeys[] = {"method", "metric", "mode", "trials", "seed", "min_epochs", "reduction",
                                            "parameters"};
        if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
            fail("sweep." + key, "unknown key");
    }
    return spec;
}

} // namespace

SweepSpec sweepSpecFromJson(const nlohmann::json& json)
{
    try {
        return readSpec(json);
    } catch (const nlohmann::json::exception& error) { // a key of the wrong type
        throw std::invalid_argument(std::string("sweep: ") + error.what());
    }
}

std::vector<TrialValues> sweepTrials(const SweepSpec& spec)
{
    std::vector<TrialValues> trials;
    if (spec.method == SweepSpec::Method::Grid) {
        trials.emplace_back();
        for (const SweepSpec::Parameter& parameter : spec.parameters) {
            std::vector<TrialValues> grown;
            for (const TrialValues& trial : trials) {
                for (const nlohmann::json& value : parameter.values) {
                    grown.push_back(trial);
                    grown.back()[parameter.key] = value;
                }
            }
            trials = std::move(grown);
        }
        return trials;
    }
    std::mt19937_64 random(spec.seed);
    for (int t = 0; t < spec.trials; ++t) {
        TrialValues trial;
        for (const SweepSpec::Parameter& parameter : spec.parameters)
            trial[parameter.key] = draw(parameter, random);
        trials.push_back(std::move(trial));
    }
    return trials;
}

std::vector<int> halvingRungs(const SweepSpec& spec, int trials, int maxEpochs)
{
    std::vector<int> rungs;
    int epochs = std::min(spec.minEpochs, maxEpochs);
    for (int left = trials; left >= 1; left = std::max(1, left / spec.reduction)) {
        rungs.push_back(epochs);
        if (left == 1 || epochs >= maxEpochs)
            break;
        epochs = std::min(maxEpochs, epochs * spec.reduction);
    }
    return rungs;
}

} // namespace lepton
