#include "train/trainingconfig.h"

#include <algorithm>

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

std::optional<LossKind> lossFromString(const std::string& text)
{
    for (LossKind kind : {LossKind::CrossEntropy, LossKind::MSE}) {
        if (text == toString(kind))
            return kind;
    }
    return std::nullopt;
}

} // namespace lepton
