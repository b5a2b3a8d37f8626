#include "train/loss.h"

#include <sstream>

namespace lepton {

namespace F = torch::nn::functional;

LossFunction::LossFunction(const TrainingConfig& config, torch::Device device)
    : m_kind(config.loss)
    , m_labelSmoothing(config.labelSmoothing)
    , m_beta(config.lossBeta)
{
    if (!config.classWeights.empty() && takesClassIndices(config.loss))
        m_classWeights = torch::tensor(config.classWeights, torch::kFloat32).to(device);
}

torch::Tensor LossFunction::operator()(const torch::Tensor& output, const torch::Tensor& targets) const
{
    switch (m_kind) {
    case LossKind::CrossEntropy:
        return F::cross_entropy(output, targets,
                                F::CrossEntropyFuncOptions().weight(m_classWeights).label_smoothing(m_labelSmoothing));
    case LossKind::NLL:
        return F::nll_loss(output, targets, F::NLLLossFuncOptions().weight(m_classWeights));
    case LossKind::BCEWithLogits:
        return F::binary_cross_entropy_with_logits(output, targets);
    case LossKind::MSE:
        return F::mse_loss(output, targets);
    case LossKind::L1:
        return F::l1_loss(output, targets);
    case LossKind::SmoothL1:
        return F::smooth_l1_loss(output, targets, F::SmoothL1LossFuncOptions(), m_beta);
    case LossKind::Huber:
        return F::huber_loss(output, targets, F::HuberLossFuncOptions().delta(m_beta));
    }
    throw std::logic_error("unknown loss");
}

std::string divergenceCause(const torch::Tensor& features, const torch::Tensor& targets, double learningRate)
{
    if (!torch::isfinite(features).all().item<bool>())
        return "the batch's inputs hold NaN or infinite values: clean the data or impute its missing values";
    if (targets.is_floating_point() && !torch::isfinite(targets).all().item<bool>())
        return "the batch's targets hold NaN or infinite values: clean the data";
    std::ostringstream rate;
    rate << learningRate;
    return "the learning rate (" + rate.str()
        + ") is likely too high: try a lower learning rate, a warm-up or gradient clipping";
}

} // namespace lepton
