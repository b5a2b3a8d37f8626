#include "train/runchecks.h"

#include "graph/layerregistry.h"

#include <cmath>
#include <sstream>

namespace lepton {

namespace {

std::string number(double value)
{
    std::ostringstream text;
    text << value;
    return text.str();
}

std::string outputProblem(const Dataset& data, LossKind loss, const Node& output,
                          const Shape& outputShape)
{
    const std::string gives = describeNode(output) + " gives samples of shape "
        + shapeToString(outputShape);
    if (data.task == TaskType::Regression) {
        if (loss == LossKind::CrossEntropy)
            return "the cross_entropy loss needs class labels, but dataset '" + data.name
                + "' is a regression dataset; use the mse loss";
        if (outputShape != data.targetShape)
            return gives + ", but dataset '" + data.name + "' has targets of shape "
                + shapeToString(data.targetShape);
        return {};
    }
    const Shape classes{data.numClasses};
    if (outputShape == classes)
        return {};
    if (loss == LossKind::MSE)
        return gives + ", but the mse loss compares it with one-hot targets of shape "
            + shapeToString(classes) + " (dataset '" + data.name + "' has "
            + std::to_string(data.numClasses) + " classes)";
    if (outputShape.size() == 1)
        return describeNode(output) + " gives " + std::to_string(outputShape[0])
            + " values per sample but the dataset has " + std::to_string(data.numClasses)
            + " classes";
    return gives + ", but cross_entropy needs one value per class, "
        + shapeToString(classes) + "; add Flatten and Linear layers before it";
}

} // namespace

std::string configProblem(const TrainingConfig& config)
{
    if (config.batchSize < 1)
        return "batch size must be at least 1, got " + std::to_string(config.batchSize);
    if (config.epochs < 1)
        return "epochs must be at least 1, got " + std::to_string(config.epochs);
    if (!(config.learningRate > 0.0) || !std::isfinite(config.learningRate))
        return "learning rate must be a positive number, got " + number(config.learningRate);
    if (!(config.momentum >= 0.0) || !std::isfinite(config.momentum))
        return "momentum must be 0 or more, got " + number(config.momentum);
    if (!(config.weightDecay >= 0.0) || !std::isfinite(config.weightDecay))
        return "weight decay must be 0 or more, got " + number(config.weightDecay);
    return {};
}

std::string dataFitProblem(const Dataset& data, LossKind loss, const Node& input,
                           const Shape& inputShape, const Node& output, const Shape& outputShape)
{
    if (inputShape != data.featureShape)
        return describeNode(input) + " expects samples of shape " + shapeToString(inputShape)
            + ", but dataset '" + data.name + "' has " + shapeToString(data.featureShape);
    return outputProblem(data, loss, output, outputShape);
}

} // namespace lepton
