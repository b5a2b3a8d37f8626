#pragma once

#include "model/graphmodule.h"
#include "train/trainingconfig.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace lepton {

// The configured optimizer over the model's parameters.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(GraphModule& model, const TrainingConfig& config);
// Sets every parameter group's rate: the schedule's value for the next step.
void setLearningRate(torch::optim::Optimizer& optimizer, double rate);
// Drops the last step's gradients rather than zeroing them, as PyTorch's
// zero_grad(set_to_none=True): backward then hands each parameter its new
// gradient instead of adding it to zeros, a pass over every gradient fewer
// to zero and one fewer to add.
void releaseGradients(torch::optim::Optimizer& optimizer);
// Gradient clipping by norm or value, as configured, before a step.
void clipGradients(GraphModule& model, const TrainingConfig& config);

// The model's parameters, then its buffers: the tensors themselves.
std::vector<torch::Tensor> parametersAndBuffers(GraphModule& model);
// The same, copied, to restore the best epoch's.
std::vector<torch::Tensor> snapshot(GraphModule& model);
void restore(GraphModule& model, const std::vector<torch::Tensor>& copies);

} // namespace lepton
