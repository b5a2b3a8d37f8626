#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lepton {

// One trial's values: override key -> value (projectoverride.h's keys).
using TrialValues = std::map<std::string, nlohmann::json>;

// What a hyperparameter search tries, read from a JSON file:
//
//   {"method": "grid" | "random" | "halving",
//    "metric": "validation_accuracy", "mode": "max",   // default: validation_loss, min
//    "trials": 8, "seed": 1,                            // random and halving
//    "min_epochs": 1, "reduction": 2,                   // halving
//    "parameters": {
//      "learning_rate": {"min": 1e-4, "max": 0.1, "log": true},
//      "optimizer": {"values": ["adam", "sgd"]},
//      "fc1.out_features": {"values": [32, 64, 128]}}}
//
// Grid tries every combination of the listed values (ranges are not allowed
// there); random draws `trials` combinations, a value from each list or
// range; successive halving draws `trials` the same way, trains them all
// for `min_epochs`, keeps the best 1/`reduction` for `reduction` times the
// epochs, and so on until one is left or the project's epochs are reached.
struct SweepSpec {
    enum class Method { Grid, Random, Halving };
    struct Parameter {
        std::string key;
        std::vector<nlohmann::json> values; // a list, or empty for a range
        double min = 0.0, max = 0.0;
        bool log = false;
        bool integer = false; // a range of whole numbers
    };

    Method method = Method::Grid;
    std::string metric = "validation_loss";
    bool higherIsBetter = false;
    int trials = 8;
    uint64_t seed = 1;
    int minEpochs = 1;
    int reduction = 2;
    std::vector<Parameter> parameters;
};

// Throws std::invalid_argument naming the JSON path and the problem.
SweepSpec sweepSpecFromJson(const nlohmann::json& json);
// The trials of a grid or random search, or the first rung of halving.
std::vector<TrialValues> sweepTrials(const SweepSpec& spec);
// Halving: the epochs of each rung, from min_epochs up to `maxEpochs`.
std::vector<int> halvingRungs(const SweepSpec& spec, int trials, int maxEpochs);

} // namespace lepton
