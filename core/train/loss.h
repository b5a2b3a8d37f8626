#pragma once

#include "train/trainingconfig.h"

#include <torch/torch.h>

#include <string>

namespace lepton {

// The run's loss with its settings (label smoothing, class weights on the
// run's device, smooth L1's beta, Huber's delta), mean over the batch.
class LossFunction {
public:
    LossFunction(const TrainingConfig& config, torch::Device device);
    // `targets`: class indices for cross_entropy and nll, else one value per
    // output (one-hot rows for classes).
    torch::Tensor operator()(const torch::Tensor& output, const torch::Tensor& targets) const;

private:
    LossKind m_kind;
    double m_labelSmoothing;
    double m_beta;
    torch::Tensor m_classWeights; // undefined: every class weighs 1
};

// The likely reason a batch's loss stopped being finite: non-finite inputs
// or targets, else the learning rate.
std::string divergenceCause(const torch::Tensor& features, const torch::Tensor& targets, double learningRate);

} // namespace lepton
