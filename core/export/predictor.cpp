#include "export/predictor.h"

#include "data/dataset.h"
#include "data/predictioninput.h"
#include "export/exporterror.h"
#include "export/trainedmodel.h"
#include "util/atomicfile.h"

#include <torch/script.h>

#include <algorithm>
#include <filesystem>
#include <functional>

namespace fs = std::filesystem;

namespace lepton {

namespace {

constexpr int64_t kBatch = 256;

// A network to predict with, whichever way it came.
struct Predictor {
    std::function<torch::Tensor(const torch::Tensor&)> forward;
    SampleFormat format;
    bool classification = false;
    std::vector<std::string> classNames;
    std::string description;
};

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The recorded names, then unnamed classes by their index: "0", "1"...
std::vector<std::string> classNamesOf(std::vector<std::string> names, int64_t count)
{
    for (auto index = static_cast<int64_t>(names.size()); index < count; ++index)
        names.push_back(std::to_string(index));
    return names;
}

Predictor projectPredictor(const std::string& project, const std::string& checkpoint)
{
    auto model = std::make_shared<TrainedModel>(loadTrainedModel(project, checkpoint));
    const nlohmann::json& record = model->record;
    Predictor predictor;
    predictor.forward = [model](const torch::Tensor& batch) { return model->module->forward(batch); };
    predictor.format = {record.at("input").at("shape").get<Shape>(), record.at("input").at("dtype") == "int64",
                        record.value("encoding", nlohmann::json::object()),
                        record.value("normalization", nlohmann::json::object())};
    predictor.classification = record.value("task", "") == "classification" && record.value("target", "") != "input";
    predictor.classNames = classNamesOf(record.value("class_names", std::vector<std::string>{}),
                                        record.value("num_classes", int64_t(0)));
    predictor.description = fs::path(project).filename().string() + " (" + fs::path(model->checkpointPath).filename().string()
                            + " after " + std::to_string(model->epochsDone) + (model->epochsDone == 1 ? " epoch)" : " epochs)");
    return predictor;
}

// NAME.torchscript.pt with NAME.metadata.json beside it.
Predictor scriptedPredictor(const std::string& path)
{
    const std::string stem = path.substr(0, path.size() - std::string(".torchscript.pt").size());
    const std::string metadataPath = stem + ".metadata.json";
    nlohmann::json metadata;
    try {
        metadata = nlohmann::json::parse(readFile(metadataPath));
    } catch (const std::exception& error) {
        throw ExportError(metadataPath + ": the export's metadata is needed to predict: " + error.what());
    }
    auto module = std::make_shared<torch::jit::Module>();
    try {
        *module = torch::jit::load(path);
    } catch (const std::exception& error) {
        throw ExportError(path + ": not a TorchScript file: " + error.what());
    }
    module->eval();
    Predictor predictor;
    predictor.forward = [module](const torch::Tensor& batch) { return module->forward({batch}).toTensor(); };
    const nlohmann::json& preprocessing = metadata.at("preprocessing");
    predictor.format = {metadata.at("input").at("shape").get<Shape>(), metadata.at("input").at("dtype") == "int64",
                        preprocessing.value("encoding", nlohmann::json::object()),
                        preprocessing.value("normalization", nlohmann::json::object())};
    predictor.classification = metadata.value("task", "") == "classification";
    predictor.classNames = metadata.value("class_names", std::vector<std::string>{});
    predictor.description = fs::path(path).filename().string();
    return predictor;
}

} // namespace

PredictionRun predictFiles(const std::string& model, const std::string& checkpoint,
                           const std::vector<std::string>& inputs, int top)
{
    Predictor predictor;
    if (endsWith(model, ".lepton"))
        predictor = projectPredictor(model, checkpoint);
    else if (endsWith(model, ".torchscript.pt"))
        predictor = scriptedPredictor(model);
    else
        throw ExportError(model + ": give a .lepton project or an exported .torchscript.pt file");
    const PredictionSamples samples = readPredictionSamples(inputs, predictor.format);
    if (samples.count() == 0)
        throw DataError(samples.skipped.empty() ? std::string("the inputs hold no samples")
                                                : "no sample to predict: " + samples.skipped.front()
                                                      + (samples.skipped.size() > 1 ? " (and "
                                                             + std::to_string(samples.skipped.size() - 1) + " more)" : ""));

    PredictionRun run;
    run.model = predictor.description;
    run.classification = predictor.classification;
    run.skipped = samples.skipped;
    std::vector<int64_t> shape = samples.shape;
    const int64_t perSample = shapeElementCount(samples.shape);
    torch::NoGradGuard noGrad;
    for (int64_t first = 0; first < samples.count(); first += kBatch) {
        const int64_t count = std::min(kBatch, samples.count() - first);
        std::vector<int64_t> batchShape = shape;
        batchShape.insert(batchShape.begin(), count);
        torch::Tensor batch = torch::from_blob(const_cast<float*>(samples.values.data()) + first * perSample,
                                               batchShape, torch::kFloat32)
                                  .clone();
        if (samples.tokenIds)
            batch = batch.to(torch::kInt64);
        const torch::Tensor output = predictor.forward(batch).to(torch::kFloat32).reshape({count, -1});
        const torch::Tensor probabilities = predictor.classification ? torch::softmax(output, 1) : output;
        for (int64_t i = 0; i < count; ++i) {
            Prediction prediction;
            prediction.input = samples.names[static_cast<size_t>(first + i)];
            const torch::Tensor row = probabilities[i].contiguous();
            if (predictor.classification) {
                const int64_t k = std::min<int64_t>(top, row.size(0));
                const auto [values, indices] = row.topk(k);
                const std::vector<std::string> names = classNamesOf(predictor.classNames, row.size(0));
                for (int64_t j = 0; j < k; ++j)
                    prediction.classes.emplace_back(names[static_cast<size_t>(indices[j].item<int64_t>())],
                                                    values[j].item<double>());
            } else {
                prediction.values.assign(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
            }
            run.predictions.push_back(std::move(prediction));
        }
    }
    return run;
}

} // namespace lepton
