#include "train/trainingconfig.h"

#include <algorithm>
#include <iterator>

namespace lepton {

namespace {

template <typename Kind>
struct Spelling {
    Kind kind;
    const char* name;
};

constexpr Spelling<OptimizerKind> kOptimizers[] = {
    {OptimizerKind::Adam, "adam"},       {OptimizerKind::AdamW, "adamw"},     {OptimizerKind::SGD, "sgd"},
    {OptimizerKind::RMSprop, "rmsprop"}, {OptimizerKind::Adagrad, "adagrad"},
};
constexpr Spelling<LossKind> kLosses[] = {
    {LossKind::CrossEntropy, "cross_entropy"},
    {LossKind::NLL, "nll"},
    {LossKind::BCEWithLogits, "bce_with_logits"},
    {LossKind::MSE, "mse"},
    {LossKind::L1, "l1"},
    {LossKind::SmoothL1, "smooth_l1"},
    {LossKind::Huber, "huber"},
};
constexpr Spelling<ScheduleKind> kSchedules[] = {
    {ScheduleKind::Constant, "constant"}, {ScheduleKind::Step, "step"},
    {ScheduleKind::MultiStep, "multi_step"}, {ScheduleKind::Exponential, "exponential"},
    {ScheduleKind::Cosine, "cosine"},     {ScheduleKind::OneCycle, "one_cycle"},
    {ScheduleKind::Plateau, "plateau"},
};
constexpr Spelling<ClippingKind> kClippings[] = {
    {ClippingKind::None, "none"}, {ClippingKind::Norm, "norm"}, {ClippingKind::Value, "value"}};
constexpr Spelling<MonitorKind> kMonitors[] = {
    {MonitorKind::ValidationLoss, "validation_loss"},
    {MonitorKind::ValidationAccuracy, "validation_accuracy"},
    {MonitorKind::TrainLoss, "train_loss"},
    {MonitorKind::TrainAccuracy, "train_accuracy"},
};
constexpr Spelling<MonitorMode> kModes[] = {
    {MonitorMode::Auto, "auto"}, {MonitorMode::Min, "min"}, {MonitorMode::Max, "max"}};

template <typename Kind, size_t N>
std::string nameOf(const Spelling<Kind> (&table)[N], Kind kind)
{
    const auto it = std::find_if(std::begin(table), std::end(table), [kind](const auto& s) { return s.kind == kind; });
    return it != std::end(table) ? it->name : table[0].name;
}

template <typename Kind, size_t N>
std::optional<Kind> kindOf(const Spelling<Kind> (&table)[N], const std::string& text)
{
    const auto it = std::find_if(std::begin(table), std::end(table), [&](const auto& s) { return text == s.name; });
    return it != std::end(table) ? std::optional<Kind>(it->kind) : std::nullopt;
}

template <typename Kind, size_t N>
std::vector<std::string> namesOf(const Spelling<Kind> (&table)[N])
{
    std::vector<std::string> names;
    for (const auto& spelling : table)
        names.push_back(spelling.name);
    return names;
}

constexpr double kEpochLimit = 1'000'000;
constexpr double kCheckpointLimit = 10'000;

std::vector<ParamSpec> makeSchema()
{
    using T = ParamType;
    const auto none = std::vector<std::string>{};
    const auto inf = std::numeric_limits<double>::infinity();
    return {
        // Optimizer.
        {"optimizer", T::Choice, "adam", {}, {}, namesOf(kOptimizers), "How the weights follow their gradients"},
        {"learning_rate", T::Float, 1e-3, 1e-12, 100.0, none,
         "Step size; where the schedule starts (one-cycle: its peak)"},
        {"momentum", T::Float, 0.9, 0.0, 0.999999, none, "SGD: share of the last step carried on"},
        {"nesterov", T::Bool, false, {}, {}, none, "SGD: Nesterov momentum"},
        {"beta1", T::Float, 0.9, 0.0, 0.999999, none, "Adam and AdamW: decay of the gradient average"},
        {"beta2", T::Float, 0.999, 0.0, 0.999999, none, "Adam and AdamW: decay of the squared-gradient average"},
        {"weight_decay", T::Float, 0.0, 0.0, 10.0, none,
         "Pulls weights toward 0 (AdamW: decoupled from the gradient)"},
        {"gradient_clipping", T::Choice, "none", {}, {}, namesOf(kClippings),
         "Limit the gradients' total norm or each value before a step"},
        {"clip_value", T::Float, 1.0, 1e-12, 1e6, none, "The largest gradient norm or value"},
        // Loss.
        {"loss", T::Choice, "cross_entropy", {}, {}, namesOf(kLosses),
         "cross_entropy and nll for classes (nll expects log-probabilities), bce_with_logits for one "
         "or more yes/no outputs, mse, l1, smooth_l1 and huber for values"},
        {"label_smoothing", T::Float, 0.0, 0.0, 0.99, none, "Cross-entropy: share of the target spread over all classes"},
        {"class_weights", T::FloatList, nlohmann::json::array(), 0.0, 1e6, none,
         "Cross-entropy and NLL: one weight per class; empty weighs every class 1"},
        {"loss_beta", T::Float, 1.0, 1e-12, 1e6, none, "Smooth L1's beta or Huber's delta: where the loss turns linear"},
        // Schedule.
        {"schedule", T::Choice, "constant", {}, {}, namesOf(kSchedules),
         "How the learning rate changes: step, multi_step and exponential multiply it by gamma, cosine "
         "anneals it to the minimum, one_cycle rises to it and anneals, plateau drops it when the "
         "monitored metric stalls"},
        {"step_size", T::Int, 10, 1, kEpochLimit, none, "Step: epochs between drops"},
        {"milestones", T::IntList, nlohmann::json::array(), 1, kEpochLimit, none, "Multi-step: drop after this many epochs each"},
        {"gamma", T::Float, 0.1, 1e-6, 1.0, none, "Factor of each drop (exponential: per epoch)"},
        {"min_learning_rate", T::Float, 0.0, 0.0, 100.0, none, "Cosine and plateau: the lowest rate"},
        {"plateau_patience", T::Int, 5, 1, kEpochLimit, none, "Plateau: epochs without improvement before a drop"},
        {"warmup_epochs", T::Int, 0, 0, kEpochLimit, none, "Rise linearly from 0 over these epochs first"},
        // Run.
        {"batch_size", T::Int, 64, 1, kParamIntLimit, none, "Samples per step"},
        {"epochs", T::Int, 10, 1, kEpochLimit, none, "Passes over the training data"},
        {"seed", T::Int, 42, 0, kParamIntLimit, none,
         "Seeds the weights, the shuffling, dropout and augmentation: the same seed gives the same run on a CPU"},
        {"device", T::String, "cpu", {}, {}, none, "cpu, cuda or cuda:N"},
        {"mixed_precision", T::Bool, false, {}, {}, none,
         "CUDA: compute in float16 where it is safe (autocast), scaling the loss so small gradients survive"},
        {"cudnn_benchmark", T::Bool, false, {}, {}, none,
         "CUDA: time cuDNN's convolution algorithms on the first batches and keep the fastest"},
        {"channels_last", T::Bool, false, {}, {}, none,
         "Keep images and convolution weights channels-last (NHWC), which recent GPUs and oneDNN convolve faster"},
        // Early stopping.
        {"early_stopping", T::Bool, false, {}, {}, none, "Stop when the monitored metric stops improving"},
        {"monitor", T::Choice, "validation_loss", {}, {}, namesOf(kMonitors),
         "The metric early stopping, the plateau schedule and the best checkpoints watch"},
        {"mode", T::Choice, "auto", {}, {}, namesOf(kModes), "min or max is better; auto: min for losses"},
        {"patience", T::Int, 5, 1, kEpochLimit, none, "Epochs without improvement before stopping"},
        {"min_delta", T::Float, 0.0, 0.0, inf, none, "The least change that counts as an improvement"},
        {"restore_best", T::Bool, true, {}, {}, none, "Keep the weights of the best epoch rather than the last"},
        // Checkpoints.
        {"keep_last_checkpoints", T::Int, 1, 1, kCheckpointLimit, none,
         "Checkpoints kept of the latest epochs: last.ckpt, and epoch-NNNN.ckpt for earlier ones"},
        {"keep_best_checkpoints", T::Int, 1, 1, kCheckpointLimit, none,
         "Checkpoints kept of the best epochs by the monitored metric: best.ckpt, and epoch-NNNN.ckpt for the "
         "runners-up"},
    };
}

} // namespace

std::string toString(OptimizerKind kind) { return nameOf(kOptimizers, kind); }
std::string toString(LossKind kind) { return nameOf(kLosses, kind); }
std::string toString(MonitorKind kind) { return nameOf(kMonitors, kind); }
std::optional<OptimizerKind> optimizerFromString(const std::string& text) { return kindOf(kOptimizers, text); }
std::optional<LossKind> lossFromString(const std::string& text) { return kindOf(kLosses, text); }

bool takesClassIndices(LossKind loss)
{
    return loss == LossKind::CrossEntropy || loss == LossKind::NLL;
}

bool higherIsBetter(MonitorKind monitor, MonitorMode mode)
{
    if (mode != MonitorMode::Auto)
        return mode == MonitorMode::Max;
    return monitor == MonitorKind::ValidationAccuracy || monitor == MonitorKind::TrainAccuracy;
}

const std::vector<ParamSpec>& trainingSchema()
{
    static const std::vector<ParamSpec> schema = makeSchema();
    return schema;
}

std::string trainingProblem(const nlohmann::json& params, std::string* param)
{
    std::string problem = paramsProblem(trainingSchema(), params, param);
    if (!problem.empty())
        return problem;
    if (params.contains("device") && !parseDeviceName(params["device"].get<std::string>())) {
        if (param)
            *param = "device";
        return "unknown device '" + params["device"].get<std::string>() + "' (expected cpu, cuda or cuda:N)";
    }
    return {};
}

TrainingConfig trainingFromJson(const nlohmann::json& params)
{
    const nlohmann::json p = withDefaults(trainingSchema(), params);
    const auto text = [&](const char* name) { return p.at(name).get<std::string>(); };
    TrainingConfig c;
    c.optimizer = *kindOf(kOptimizers, text("optimizer"));
    c.learningRate = p.at("learning_rate").get<double>();
    c.momentum = p.at("momentum").get<double>();
    c.nesterov = p.at("nesterov").get<bool>();
    c.beta1 = p.at("beta1").get<double>();
    c.beta2 = p.at("beta2").get<double>();
    c.weightDecay = p.at("weight_decay").get<double>();
    c.clipping = *kindOf(kClippings, text("gradient_clipping"));
    c.clipValue = p.at("clip_value").get<double>();
    c.loss = *kindOf(kLosses, text("loss"));
    c.labelSmoothing = p.at("label_smoothing").get<double>();
    c.classWeights = p.at("class_weights").get<std::vector<double>>();
    c.lossBeta = p.at("loss_beta").get<double>();
    c.schedule = *kindOf(kSchedules, text("schedule"));
    c.stepSize = p.at("step_size").get<int>();
    c.milestones = p.at("milestones").get<std::vector<int64_t>>();
    c.gamma = p.at("gamma").get<double>();
    c.minLearningRate = p.at("min_learning_rate").get<double>();
    c.plateauPatience = p.at("plateau_patience").get<int>();
    c.warmupEpochs = p.at("warmup_epochs").get<int>();
    c.batchSize = p.at("batch_size").get<int64_t>();
    c.epochs = p.at("epochs").get<int>();
    c.seed = p.at("seed").get<uint64_t>();
    c.device = text("device");
    c.mixedPrecision = p.at("mixed_precision").get<bool>();
    c.cudnnBenchmark = p.at("cudnn_benchmark").get<bool>();
    c.channelsLast = p.at("channels_last").get<bool>();
    c.earlyStopping = p.at("early_stopping").get<bool>();
    c.monitor = *kindOf(kMonitors, text("monitor"));
    c.mode = *kindOf(kModes, text("mode"));
    c.patience = p.at("patience").get<int>();
    c.minDelta = p.at("min_delta").get<double>();
    c.restoreBest = p.at("restore_best").get<bool>();
    c.keepLastCheckpoints = p.at("keep_last_checkpoints").get<int>();
    c.keepBestCheckpoints = p.at("keep_best_checkpoints").get<int>();
    return c;
}

nlohmann::ordered_json trainingToJson(const TrainingConfig& c)
{
    return {
        {"optimizer", nameOf(kOptimizers, c.optimizer)},
        {"learning_rate", c.learningRate},
        {"momentum", c.momentum},
        {"nesterov", c.nesterov},
        {"beta1", c.beta1},
        {"beta2", c.beta2},
        {"weight_decay", c.weightDecay},
        {"gradient_clipping", nameOf(kClippings, c.clipping)},
        {"clip_value", c.clipValue},
        {"loss", nameOf(kLosses, c.loss)},
        {"label_smoothing", c.labelSmoothing},
        {"class_weights", c.classWeights},
        {"loss_beta", c.lossBeta},
        {"schedule", nameOf(kSchedules, c.schedule)},
        {"step_size", c.stepSize},
        {"milestones", c.milestones},
        {"gamma", c.gamma},
        {"min_learning_rate", c.minLearningRate},
        {"plateau_patience", c.plateauPatience},
        {"warmup_epochs", c.warmupEpochs},
        {"batch_size", c.batchSize},
        {"epochs", c.epochs},
        {"seed", c.seed},
        {"device", c.device},
        {"mixed_precision", c.mixedPrecision},
        {"cudnn_benchmark", c.cudnnBenchmark},
        {"channels_last", c.channelsLast},
        {"early_stopping", c.earlyStopping},
        {"monitor", nameOf(kMonitors, c.monitor)},
        {"mode", nameOf(kModes, c.mode)},
        {"patience", c.patience},
        {"min_delta", c.minDelta},
        {"restore_best", c.restoreBest},
        {"keep_last_checkpoints", c.keepLastCheckpoints},
        {"keep_best_checkpoints", c.keepBestCheckpoints},
    };
}

bool trainingParamApplies(const std::string& name, const TrainingConfig& c)
{
    const auto optimizerIs = [&](std::initializer_list<OptimizerKind> kinds) {
        return std::find(kinds.begin(), kinds.end(), c.optimizer) != kinds.end();
    };
    const auto scheduleIs = [&](std::initializer_list<ScheduleKind> kinds) {
        return std::find(kinds.begin(), kinds.end(), c.schedule) != kinds.end();
    };
    const bool watched = c.earlyStopping || c.schedule == ScheduleKind::Plateau;
    if (name == "momentum")
        return optimizerIs({OptimizerKind::SGD});
    if (name == "nesterov")
        return optimizerIs({OptimizerKind::SGD});
    if (name == "beta1" || name == "beta2")
        return optimizerIs({OptimizerKind::Adam, OptimizerKind::AdamW});
    if (name == "clip_value")
        return c.clipping != ClippingKind::None;
    if (name == "label_smoothing")
        return c.loss == LossKind::CrossEntropy;
    if (name == "class_weights")
        return takesClassIndices(c.loss);
    if (name == "loss_beta")
        return c.loss == LossKind::SmoothL1 || c.loss == LossKind::Huber;
    if (name == "step_size")
        return scheduleIs({ScheduleKind::Step});
    if (name == "milestones")
        return scheduleIs({ScheduleKind::MultiStep});
    if (name == "gamma")
        return scheduleIs({ScheduleKind::Step, ScheduleKind::MultiStep, ScheduleKind::Exponential, ScheduleKind::Plateau});
    if (name == "min_learning_rate")
        return scheduleIs({ScheduleKind::Cosine, ScheduleKind::Plateau});
    if (name == "plateau_patience")
        return scheduleIs({ScheduleKind::Plateau});
    if (name == "monitor" || name == "mode")
        return watched || c.keepBestCheckpoints > 1;
    if (name == "min_delta")
        return watched;
    if (name == "patience" || name == "restore_best")
        return c.earlyStopping;
    if (name == "mixed_precision" || name == "cudnn_benchmark") {
        const std::optional<DeviceName> device = parseDeviceName(c.device);
        return device && device->cuda;
    }
    return true;
}

std::optional<DeviceName> parseDeviceName(const std::string& text)
{
    if (text == "cpu")
        return DeviceName{};
    if (text == "cuda")
        return DeviceName{true, 0};
    const std::string prefix = "cuda:";
    const std::string digits = text.substr(std::min(text.size(), prefix.size()));
    if (text.compare(0, prefix.size(), prefix) != 0 || digits.empty() || digits.size() > 3
        || digits.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return DeviceName{true, std::stoi(digits)};
}

} // namespace lepton
