#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lepton {

enum class OptimizerKind { Adam, SGD };
enum class LossKind { CrossEntropy, MSE };

struct TrainingConfig {
    OptimizerKind optimizer = OptimizerKind::Adam;
    double learningRate = 1e-3;
    double momentum = 0.9;    // SGD only
    double weightDecay = 0.0;
    LossKind loss = LossKind::CrossEntropy;
    int64_t batchSize = 64;
    int epochs = 10;
    uint64_t seed = 42;
    std::string device = "cpu";   // "cpu" or "cuda" / "cuda:N"
};

// Stable spellings used in project files and on the command line.
std::string toString(OptimizerKind kind);          // "adam", "sgd"
std::string toString(LossKind kind);               // "cross_entropy", "mse"
std::optional<OptimizerKind> optimizerFromString(const std::string& text);
std::optional<LossKind> lossFromString(const std::string& text);

// A training device as spelled in project files and on the command line.
struct DeviceName {
    bool cuda = false;
    int index = 0; // CUDA device index
};
// "cpu", "cuda" (= "cuda:0") or "cuda:N" with N < 1000; nothing otherwise.
std::optional<DeviceName> parseDeviceName(const std::string& text);

} // namespace lepton
