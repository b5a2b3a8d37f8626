#include "export/exporter.h"

#include "export/exporterror.h"
#include "export/exportfile.h"
#include "export/exportmetadata.h"
#include "export/halfprecision.h"
#include "export/modelcode.h"
#include "export/onnxexport.h"
#include "export/pythonpackage.h"
#include "export/statedict.h"
#include "export/torchscriptexport.h"
#include "export/trainedmodel.h"
#include "graph/layerregistry.h"

#include <torch/script.h>

#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace lepton {

namespace {

const std::vector<std::pair<ExportFormat, std::string>>& formatNames()
{
    static const std::vector<std::pair<ExportFormat, std::string>> names = {
        {ExportFormat::TorchScript, "torchscript"},
        {ExportFormat::Onnx, "onnx"},
        {ExportFormat::PyTorch, "pytorch"},
        {ExportFormat::Weights, "weights"},
    };
    return names;
}

std::string sizeText(const std::string& path)
{
    const double bytes = static_cast<double>(fs::file_size(path));
    char text[32];
    if (bytes < 1024 * 1024)
        std::snprintf(text, sizeof text, "%.0f KB", bytes / 1024);
    else
        std::snprintf(text, sizeof text, "%.1f MB", bytes / (1024 * 1024));
    return text;
}

std::string scientific(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1e", value);
    return text;
}


// A few samples of the network's input: random features, or token ids
// within every Embedding's vocabulary (0 and 1 always are). Drawn from a
// generator of its own: a run training meanwhile keeps its random stream.
torch::Tensor probeInput(const TrainedModel& model)
{
    std::vector<int64_t> shape = model.module->inputShape();
    shape.insert(shape.begin(), 4);
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
    if (model.record.at("input").at("dtype") == "int64")
        return torch::randint(0, 2, shape, generator, torch::kInt64);
    return torch::randn(shape, generator);
}

// Largest absolute difference between the scripted module read back from
// `path` and the workbench's own forward.
double scriptedDifference(TrainedModel& model, const std::string& path)
{
    torch::jit::Module loaded = torch::jit::load(path);
    loaded.eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor input = probeInput(model);
    const torch::Tensor expected = model.module->forward(input);
    const torch::Tensor actual = loaded.forward({input}).toTensor();
    return (actual - expected).abs().max().item<double>();
}

} // namespace

std::optional<ExportFormat> exportFormatFromName(const std::string& name)
{
    for (const auto& [format, formatName] : formatNames()) {
        if (formatName == name)
            return format;
    }
    return std::nullopt;
}

std::string exportFormatName(ExportFormat format)
{
    for (const auto& [known, name] : formatNames()) {
        if (known == format)
            return name;
    }
    return {};
}

const std::vector<ExportFormat>& allExportFormats()
{
    static const std::vector<ExportFormat> formats = [] {
        std::vector<ExportFormat> all;
        for (const auto& entry : formatNames())
            all.push_back(entry.first);
        return all;
    }();
    return formats;
}

ExportReport exportProject(const std::string& projectPath, const std::string& checkpoint,
                           const ExportOptions& options,
                           const std::function<void(const std::string&)>& progress)
{
    const auto step = [&](const std::string& text) {
        if (progress)
            progress(text);
    };
    step("reading the checkpoint");
    TrainedModel model = loadTrainedModel(projectPath, checkpoint);
    std::error_code error;
    fs::create_directories(options.directory, error);
    if (error)
        throw ExportError(options.directory + ": cannot create the folder: " + error.message());
    const ModelCode code = modelCode(model.graph, model.shapes, LayerRegistry::builtin(), model.name);
    const std::string stem = fs::path(projectPath).stem().string() + (options.halfPrecision ? "-fp16" : "");
    const fs::path directory(options.directory);

    ExportReport report;
    const bool half = options.halfPrecision;
    nlohmann::ordered_json precision = {{"weights", half ? "float16" : "float32"}, {"compute", "float32"}};
    if (half) {
        step("measuring what float16 weights change");
        const HalfPrecisionChange change = roundToHalfPrecision(model);
        precision["change"] = change.describe();
        report.summary.push_back("half precision: " + change.describe());
    }
    nlohmann::ordered_json files = nlohmann::ordered_json::object();
    const auto wrote = [&](const std::string& format, const fs::path& path, const std::string& note) {
        report.files.push_back(path.string());
        files[format] = path.filename().string();
        report.summary.push_back(format + ": " + path.string() + " (" + sizeText(path.string()) + ")"
                                 + (note.empty() ? "" : ", " + note));
    };
    for (ExportFormat format : options.formats) {
        switch (format) {
        case ExportFormat::TorchScript: {
            step("compiling the TorchScript module");
            const fs::path path = directory / (stem + ".torchscript.pt");
            torch::jit::Module scripted = scriptedModel(code, model.module, half);
            try {
                scripted.save(path.string());
            } catch (const std::exception& failure) {
                throw ExportError(path.string() + ": cannot write: " + failure.what());
            }
            step("checking the TorchScript file against the workbench");
            wrote("torchscript", path,
                  "outputs within " + scientific(scriptedDifference(model, path.string())) + " of the workbench's");
            break;
        }
        case ExportFormat::Onnx: {
            step("writing the ONNX model");
            const fs::path path = directory / (stem + ".onnx");
            writeOnnxModel(code, model.graph, model.shapes, model.module, path.string(), half);
            wrote("onnx", path, "opset 13, batch dimension dynamic, passes the ONNX checker");
            break;
        }
        case ExportFormat::Weights: {
            step("writing the weights");
            const fs::path path = directory / (stem + ".weights.pt");
            writeStateDict(stateDict(code, model.module, half), path.string());
            wrote("weights", path, "a state_dict for torch.load");
            break;
        }
        case ExportFormat::PyTorch: {
            const fs::path folder = directory / (stem + "_pytorch");
            const PythonPackage package = writePythonPackage(code, model, folder.string(), precision, half, step);
            report.files.insert(report.files.end(), package.files.begin(), package.files.end());
            files["pytorch"] = folder.filename().string();
            report.summary.push_back("pytorch: " + folder.string() + "/ (model.py with class " + code.className
                                     + ", weights.pt, predict.py, train.py"
                                     + (package.withData ? ", data.npz" : "; no data.npz: the features exceed 2 GB")
                                     + ")");
            break;
        }
        }
    }
    step("writing the metadata");
    const fs::path metadataPath = directory / (stem + ".metadata.json");
    writeExportFile(metadataPath.string(), exportMetadata(model, files, precision).dump(2) + "\n");
    report.files.push_back(metadataPath.string());
    report.summary.push_back("metadata: " + metadataPath.string());
    return report;
}

} // namespace lepton
