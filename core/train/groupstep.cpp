#include "train/groupstep.h"

#include <cmath>
#include <limits>

namespace lepton {

BatchTotals combineOverWorkers(WorkerGroup& group, GraphModule& model, const BatchTotals& local,
                               int64_t batchSamples)
{
    const double share = static_cast<double>(local.samples) / static_cast<double>(batchSamples);
    std::vector<torch::Tensor> tensors;
    for (torch::Tensor& parameter : model->parameters()) {
        if (parameter.grad().defined()) {
            parameter.mutable_grad().mul_(share);
            tensors.push_back(parameter.grad());
        }
    }
    const torch::Tensor totals =
        torch::tensor({local.lossSum, static_cast<double>(local.correct), static_cast<double>(local.samples),
                       local.stop ? 1.0 : 0.0},
                      torch::kFloat64);
    tensors.push_back(totals);
    group.sum(tensors);
    const auto values = totals.accessor<double, 1>();
    return {values[0], std::llround(values[1]), std::llround(values[2]), values[3] > 0.0};
}

void shareRankZeroScore(WorkerGroup& group, EpochMetrics& metrics)
{
    const torch::Tensor figures = torch::tensor(
        {*metrics.validationLoss, metrics.validationAccuracy.value_or(std::numeric_limits<double>::quiet_NaN())},
        torch::kFloat64);
    group.broadcast({figures});
    metrics.validationLoss = figures[0].item<double>();
    if (metrics.validationAccuracy)
        metrics.validationAccuracy = figures[1].item<double>();
}

} // namespace lepton
