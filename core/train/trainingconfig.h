#pragma once

#include "util/paramspec.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lepton {

enum class OptimizerKind { Adam, AdamW, SGD, RMSprop, Adagrad };
enum class LossKind { CrossEntropy, NLL, BCEWithLogits, MSE, L1, SmoothL1, Huber };
enum class ScheduleKind { Constant, Step, MultiStep, Exponential, Cosine, OneCycle, Plateau };
enum class ClippingKind { None, Norm, Value };
enum class MonitorKind { ValidationLoss, ValidationAccuracy, TrainLoss, TrainAccuracy };
enum class MonitorMode { Auto, Min, Max };

struct TrainingConfig {
    // Optimizer.
    OptimizerKind optimizer = OptimizerKind::Adam;
    double learningRate = 1e-3;
    double momentum = 0.9; // SGD
    bool nesterov = false; // SGD
    double beta1 = 0.9;    // Adam and AdamW
    double beta2 = 0.999;
    double weightDecay = 0.0;
    ClippingKind clipping = ClippingKind::None;
    double clipValue = 1.0; // the largest gradient norm or value

    // Loss.
    LossKind loss = LossKind::CrossEntropy;
    double labelSmoothing = 0.0;       // cross-entropy
    std::vector<double> classWeights;  // cross-entropy and NLL; empty: all 1
    double lossBeta = 1.0;             // smooth L1's beta, Huber's delta

    // Learning-rate schedule; `learningRate` is where it starts (one-cycle:
    // its peak). A linear warm-up from 0 may come first for any schedule.
    ScheduleKind schedule = ScheduleKind::Constant;
    int stepSize = 10;                // epochs between steps
    std::vector<int64_t> milestones;  // multi-step: the rate drops after this many epochs each
    double gamma = 0.1;               // step, multi-step, exponential, plateau factor
    double minLearningRate = 0.0;     // cosine floor, plateau floor
    int plateauPatience = 5;          // epochs without improvement before a drop
    int warmupEpochs = 0;

    // Run.
    int64_t batchSize = 64;
    int epochs = 10;
    uint64_t seed = 42;
    std::string device = "cpu"; // "cpu" or "cuda" / "cuda:N"
    bool mixedPrecision = false; // CUDA: float16 autocast with loss scaling
    bool cudnnBenchmark = false; // CUDA: cuDNN picks convolution algorithms by timing them
    bool channelsLast = false;   // NHWC images and convolution weights

    // Early stopping, judged on `monitor` after every epoch (reduce-on-plateau
    // watches the same metric).
    bool earlyStopping = false;
    MonitorKind monitor = MonitorKind::ValidationLoss;
    MonitorMode mode = MonitorMode::Auto; // auto: min for losses, max for accuracies
    int patience = 5;
    double minDelta = 0.0;
    bool restoreBest = true;

    // Checkpoints: how many of the latest epochs and of the best (by
    // `monitor`) keep theirs; see CheckpointRetention.
    int keepLastCheckpoints = 1;
    int keepBestCheckpoints = 1;
};

// Stable spellings used in project files and on the command line.
std::string toString(OptimizerKind kind); // "adam", "adamw", "sgd", ...
std::string toString(LossKind kind);      // "cross_entropy", "mse", ...
std::string toString(MonitorKind kind);   // "validation_loss", ...
std::optional<OptimizerKind> optimizerFromString(const std::string& text);
std::optional<LossKind> lossFromString(const std::string& text);

// Whether the loss compares class scores with class indices (else with one
// value per output: one-hot rows for classes, or the regression targets).
bool takesClassIndices(LossKind loss);
// Whether a higher value of `monitor` is better under `mode`.
bool higherIsBetter(MonitorKind monitor, MonitorMode mode);

// The settings as project files and the GUI hold them: a JSON object of
// these parameters, every one optional (missing ones take their defaults).
const std::vector<ParamSpec>& trainingSchema();
// Empty if `params` is a valid settings object; else the problem, its
// parameter's name going to `param`.
std::string trainingProblem(const nlohmann::json& params, std::string* param = nullptr);
// `params` must be valid (trainingProblem() empty).
TrainingConfig trainingFromJson(const nlohmann::json& params);
// Every parameter, in schema order.
nlohmann::ordered_json trainingToJson(const TrainingConfig& config);
// Whether setting `name` has any effect under `config` (momentum only with
// SGD or RMSprop, ...): editors grey out the others.
bool trainingParamApplies(const std::string& name, const TrainingConfig& config);

// A training device as spelled in project files and on the command line.
struct DeviceName {
    bool cuda = false;
    int index = 0; // CUDA device index
};
// "cpu", "cuda" (= "cuda:0") or "cuda:N" with N < 1000; nothing otherwise.
std::optional<DeviceName> parseDeviceName(const std::string& text);

} // namespace lepton
