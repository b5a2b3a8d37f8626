#include "train/evaluation.h"

#include "train/batchprefetcher.h"

namespace lepton {

std::optional<Score> evaluate(GraphModule& model, const SampleSet& set,
                              const BatchTransform& transform, torch::Device device, const LossFunction& loss,
                              int64_t batchSize, const std::atomic<bool>& stop, int cores)
{
    torch::NoGradGuard noGrad;
    model->eval();
    // Summed on the device and read once at the end: no wait per batch.
    torch::Tensor lossSum = torch::zeros({}, torch::TensorOptions(torch::kFloat64).device(device));
    torch::Tensor correct = torch::zeros({}, torch::TensorOptions(torch::kInt64).device(device));
    const auto ranges = batchRanges(set.size(), batchSize);
    BatchPrefetcher batches(set.data, set.indices, ranges, transform, device, nullptr,
                            worthPreparingAhead(set.data, device, cores));
    for (auto [begin, end] : ranges) {
        if (stop.load())
            return std::nullopt;
        const TensorData batch = batches.next();
        torch::Tensor output = model->forward(batch.features);
        lossSum += loss(output, batch.targets).to(torch::kFloat64) * static_cast<double>(end - begin);
        if (batch.labels.defined())
            correct += countCorrect(output, batch.labels);
    }
    Score score;
    score.loss = lossSum.item<double>() / static_cast<double>(set.size());
    if (set.data.labels.defined())
        score.accuracy = static_cast<double>(correct.item<int64_t>()) / static_cast<double>(set.size());
    return score;
}

} // namespace lepton
