#include "export/halfprecision.h"

#include "data/datasplit.h"
#include "train/evaluation.h"
#include "train/threadplan.h"
#include "train/trainingconfig.h"

#include <cstdio>

namespace lepton {

namespace {

std::string fixed(double value, int decimals)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

} // namespace

std::string HalfPrecisionChange::describe() const
{
    std::string text = set + " ";
    if (accuracyBefore && accuracyAfter) {
        const double points = 100.0 * (*accuracyAfter - *accuracyBefore);
        text += "accuracy " + fixed(100.0 * *accuracyBefore, 2) + "% -> " + fixed(100.0 * *accuracyAfter, 2) + "% ("
                + (points >= 0 ? "+" : "") + fixed(points, 2) + " points), ";
    }
    return text + "loss " + fixed(lossBefore, 4) + " -> " + fixed(lossAfter, 4) + " on " + std::to_string(samples)
           + " samples";
}

HalfPrecisionChange roundToHalfPrecision(TrainedModel& model)
{
    const PreparedData prepared = prepareData(model.dataset, DataLoadContext{model.baseDir, nullptr});
    const TrainingConfig config = trainingFromJson(model.record.at("training"));
    const torch::Device cpu(torch::kCPU);
    HalfPrecisionChange change;
    const std::vector<int64_t>* indices = &prepared.split.validation;
    change.set = "validation";
    const Dataset* data = &prepared.data;
    std::vector<int64_t> everyTestSample;
    if (indices->empty() && prepared.test) {
        for (int64_t i = 0; i < prepared.test->size(); ++i)
            everyTestSample.push_back(i);
        indices = &everyTestSample;
        data = &*prepared.test;
        change.set = "test";
    } else if (indices->empty() && !prepared.split.test.empty()) {
        indices = &prepared.split.test;
        change.set = "test";
    } else if (indices->empty()) {
        indices = &prepared.split.train;
        change.set = "training";
    }
    const SampleSet set{toTensors(*data, config.loss),
                        torch::tensor(*indices, torch::TensorOptions().dtype(torch::kInt64))};
    const BatchTransform transform(prepared.scaling, data->featureDType, AugmentationSettings{}, cpu);
    const LossFunction loss(config, cpu);
    static const std::atomic<bool> neverStop{false};
    const Score before = *evaluate(model.module, set, transform, cpu, loss, 256, neverStop, availableCores());
    {
        torch::NoGradGuard noGrad;
        for (torch::Tensor tensor : model.module->parameters())
            tensor.copy_(tensor.to(torch::kHalf).to(tensor.scalar_type()));
        for (torch::Tensor tensor : model.module->buffers()) {
            if (tensor.is_floating_point())
                tensor.copy_(tensor.to(torch::kHalf).to(tensor.scalar_type()));
        }
    }
    const Score after = *evaluate(model.module, set, transform, cpu, loss, 256, neverStop, availableCores());
    change.samples = set.size();
    change.lossBefore = before.loss;
    change.lossAfter = after.loss;
    if (!std::isnan(before.accuracy)) {
        change.accuracyBefore = before.accuracy;
        change.accuracyAfter = after.accuracy;
    }
    return change;
}

} // namespace lepton
