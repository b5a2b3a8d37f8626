#include "train/runchecks.h"

#include "graph/layerregistry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lepton {

namespace {

std::string outputProblem(const Dataset& data, LossKind loss, const Node& output,
                          const Shape& outputShape)
{
    const std::string gives = describeNode(output) + " gives samples of shape "
        + shapeToString(outputShape);
    if (data.task == TaskType::Regression) {
        if (takesClassIndices(loss))
            return "the " + toString(loss) + " loss needs class labels, but dataset '" + data.name
                + "' is a regression dataset; use mse, l1, smooth_l1 or huber";
        if (outputShape != data.targetShape)
            return gives + ", but dataset '" + data.name + "' has targets of shape "
                + shapeToString(data.targetShape);
        return {};
    }
    const Shape classes{data.numClasses};
    if (outputShape == classes)
        return {};
    if (!takesClassIndices(loss))
        return gives + ", but the " + toString(loss) + " loss compares it with one-hot targets of shape "
            + shapeToString(classes) + " (dataset '" + data.name + "' has "
            + std::to_string(data.numClasses) + " classes)";
    if (outputShape.size() == 1)
        return describeNode(output) + " gives " + std::to_string(outputShape[0])
            + " values per sample but the dataset has " + std::to_string(data.numClasses)
            + " classes";
    return gives + ", but " + toString(loss) + " needs one value per class, "
        + shapeToString(classes) + "; add Flatten and Linear layers before it";
}

} // namespace

std::string configProblem(const TrainingConfig& config)
{
    std::string param;
    const std::string problem = trainingProblem(trainingToJson(config), &param);
    return problem.empty() ? std::string() : "training: " + problem;
}

std::string dataFitProblem(const Dataset& data, const TrainingConfig& config, const Node& input,
                           const Shape& inputShape, const Node& output, const Shape& outputShape)
{
    if (inputShape != data.featureShape)
        return describeNode(input) + " expects samples of shape " + shapeToString(inputShape)
            + ", but dataset '" + data.name + "' has " + shapeToString(data.featureShape);
    if (!config.classWeights.empty() && data.task == TaskType::Classification
        && int64_t(config.classWeights.size()) != data.numClasses)
        return "class_weights has " + std::to_string(config.classWeights.size()) + " values, but dataset '"
            + data.name + "' has " + std::to_string(data.numClasses) + " classes";
    return outputProblem(data, config.loss, output, outputShape);
}

std::string monitorProblem(const TrainingConfig& config, bool hasValidation, bool classification)
{
    const bool watched =
        config.earlyStopping || config.schedule == ScheduleKind::Plateau || config.keepBestCheckpoints > 1;
    const std::string who = config.earlyStopping                  ? "early stopping"
                            : config.schedule == ScheduleKind::Plateau ? "the plateau schedule"
                                                                       : "keeping the best checkpoints";
    const MonitorKind monitor = config.monitor;
    if (!watched)
        return {};
    if (!hasValidation && (monitor == MonitorKind::ValidationLoss || monitor == MonitorKind::ValidationAccuracy))
        return who + " watches " + toString(monitor)
            + ", but the data has no validation split; give the split a validation fraction or monitor train_loss";
    if (!classification && (monitor == MonitorKind::ValidationAccuracy || monitor == MonitorKind::TrainAccuracy))
        return who + " watches " + toString(monitor) + ", but a regression run has no accuracy; monitor a loss";
    return {};
}

std::string divergenceProblem(double epochLoss, double startLoss, int epoch, double learningRate)
{
    if (std::isnan(startLoss) || !(epochLoss > kDivergenceFactor * std::max(startLoss, 1.0)))
        return {};
    char text[160];
    std::snprintf(text, sizeof text, "the loss diverged in epoch %d: %.3g against %.3g at the start; lower the learning rate (now %g)",
                  epoch, epochLoss, startLoss, learningRate);
    return text;
}

} // namespace lepton
