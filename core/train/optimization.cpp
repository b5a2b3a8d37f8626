#include "train/optimization.h"

#include "train/fusedadam.h"

namespace lepton {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(GraphModule& model,
                                                       const TrainingConfig& config)
{
    namespace optim = torch::optim;
    const auto parameters = model->parameters();
    const double rate = config.learningRate;
    switch (config.optimizer) {
    case OptimizerKind::SGD:
        return std::make_unique<optim::SGD>(parameters, optim::SGDOptions(rate)
                                                            .momentum(config.momentum)
                                                            .nesterov(config.nesterov && config.momentum > 0.0)
                                                            .weight_decay(config.weightDecay));
    case OptimizerKind::AdamW:
        return std::make_unique<FusedAdamW>(parameters, optim::AdamWOptions(rate)
                                                              .betas({config.beta1, config.beta2})
                                                              .weight_decay(config.weightDecay));
    case OptimizerKind::RMSprop:
        return std::make_unique<optim::RMSprop>(parameters, optim::RMSpropOptions(rate).weight_decay(config.weightDecay));
    case OptimizerKind::Adagrad:
        return std::make_unique<optim::Adagrad>(parameters, optim::AdagradOptions(rate).weight_decay(config.weightDecay));
    case OptimizerKind::Adam:
        break;
    }
    return std::make_unique<FusedAdam>(
        parameters, optim::AdamOptions(rate).betas({config.beta1, config.beta2}).weight_decay(config.weightDecay));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double rate)
{
    for (auto& group : optimizer.param_groups())
        group.options().set_lr(rate);
}

void releaseGradients(torch::optim::Optimizer& optimizer)
{
    for (torch::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
        for (torch::Tensor& parameter : group.params())
            parameter.mutable_grad() = torch::Tensor();
    }
}

void clipGradients(GraphModule& model, const TrainingConfig& config)
{
    if (config.clipping == ClippingKind::Norm)
        torch::nn::utils::clip_grad_norm_(model->parameters(), config.clipValue);
    else if (config.clipping == ClippingKind::Value)
        torch::nn::utils::clip_grad_value_(model->parameters(), config.clipValue);
}

std::vector<torch::Tensor> parametersAndBuffers(GraphModule& model)
{
    std::vector<torch::Tensor> tensors = model->parameters();
    for (const torch::Tensor& buffer : model->buffers())
        tensors.push_back(buffer);
    return tensors;
}

std::vector<torch::Tensor> snapshot(GraphModule& model)
{
    std::vector<torch::Tensor> copies;
    for (const torch::Tensor& tensor : parametersAndBuffers(model))
        copies.push_back(tensor.detach().clone());
    return copies;
}

void restore(GraphModule& model, const std::vector<torch::Tensor>& copies)
{
    torch::NoGradGuard noGrad;
    size_t i = 0;
    for (torch::Tensor& tensor : parametersAndBuffers(model))
        tensor.copy_(copies[i++]);
}

} // namespace lepton
