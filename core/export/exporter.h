#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lepton {

enum class ExportFormat { TorchScript, Onnx, PyTorch, Weights };

// "torchscript", "onnx", "pytorch", "weights"; nothing for an unknown name.
std::optional<ExportFormat> exportFormatFromName(const std::string& name);
std::string exportFormatName(ExportFormat format);
const std::vector<ExportFormat>& allExportFormats();

struct ExportOptions {
    std::vector<ExportFormat> formats;
    std::string directory; // created when missing
    // Weights stored as float16 (files about half the size, named NAME-fp16);
    // the model still computes in float32. What the rounding changes is
    // measured on held-out data and reported.
    bool halfPrecision = false;
};

struct ExportReport {
    std::vector<std::string> files; // every file written
    // What was written and checked, one line each, for people:
    // "torchscript: spiral.torchscript.pt (12 KB), outputs within 2.4e-07 of the workbench's".
    std::vector<std::string> summary;
};

// Exports the project's network with the weights of `checkpoint` ("last",
// "best" or a checkpoint file; trainedmodel.h) in each format into
// options.directory, named after the project, with the metadata JSON beside
// them. Reports each step to `progress`. Throws ExportError naming the layer
// or file at fault (ProjectError for an unreadable project); files of
// formats done before it stay. Free of LibTorch, for every front end.
ExportReport exportProject(const std::string& projectPath, const std::string& checkpoint,
                           const ExportOptions& options,
                           const std::function<void(const std::string&)>& progress = {});

} // namespace lepton
