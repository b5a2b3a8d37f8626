#include "train/trainingconfig.h"

namespace lepton {

std::string toString(OptimizerKind kind)
{
    switch (kind) {
    case OptimizerKind::Adam: return "adam";
    case OptimizerKind::SGD: return "sgd";
    }
    return "adam";
}

std::string toString(LossKind kind)
{
    switch (kind) {
    case LossKind::CrossEntropy: return "cross_entropy";
    case LossKind::MSE: return "mse";
    }
    return "cross_entropy";
}

std::optional<OptimizerKind> optimizerFromString(const std::string& text)
{
    for (OptimizerKind kind : {OptimizerKind::Adam, OptimizerKind::SGD}) {
        if (text == toString(kind))
            return kind;
    }
    return std::nullopt;
}

std::optional<LossKind> lossFromString(const std::string& text)
{
    for (LossKind kind : {LossKind::CrossEntropy, LossKind::MSE}) {
        if (text == toString(kind))
            return kind;
    }
    return std::nullopt;
}

} // namespace lepton
