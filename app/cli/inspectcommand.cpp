#include "commands.h"

#include "graph/layerregistry.h"
#include "model/modelsummary.h"
#include "project/project.h"
#include "train/preflight.h"
#include "util/displaytext.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <string>

namespace lepton::cli {
namespace {

// 206922 -> "206,922"
std::string withThousands(int64_t value)
{
    std::string digits = std::to_string(value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<size_t>(i), ",");
    return digits;
}

std::string typesText(const std::vector<TensorType>& types)
{
    std::string text;
    for (const TensorType& type : types)
        text += (text.empty() ? "" : " ") + tensorTypeToString(type);
    return text;
}

// 3.2 MB, 1.5 GB: memory estimates read at a glance.
std::string bytesText(int64_t bytes)
{
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    size_t unit = 0;
    while (value >= 1000 && unit + 1 < std::size(units)) {
        value /= 1000;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

} // namespace

int runInspect(const InspectOptions& options)
{
    Project project = loadProject(options.projectPath, LayerRegistry::builtin());
    ModelSummary summary = summarizeModel(project.graph, LayerRegistry::builtin());

    std::cout << displayText(project.name) << " (" << displayText(options.projectPath) << ")\n";
    std::printf("%-4s %-16s %-18s %-18s %12s %14s\n", "#", "layer", "type", "output shape",
                "parameters", "MACs");
    int index = 1;
    for (const LayerSummary& layer : summary.layers) {
        std::printf("%-4d %-16s %-18s %-18s %12s %14s\n", index++, displayText(layer.name).c_str(),
                    displayText(layer.type).c_str(), typesText(layer.outputs).c_str(),
                    withThousands(layer.parameters).c_str(), withThousands(layer.macs).c_str());
    }
    const int64_t batch = project.training.batchSize;
    std::printf("%zu layers, %s parameters (%s trainable), %s multiply-adds per sample\n",
                summary.layers.size(), withThousands(summary.totalParameters).c_str(),
                withThousands(summary.trainableParameters).c_str(),
                withThousands(summary.macs).c_str());
    std::printf("training memory at batch %lld: about %s\n", static_cast<long long>(batch),
                bytesText(summary.trainingBytes(batch)).c_str());

    // What would stop a run is found now, not when it starts.
    const std::string folder = std::filesystem::path(options.projectPath).parent_path().string();
    const PreflightReport preflight = preflightProject(project, folder);
    std::cout << "data: " << displayText(datasetSummary(project.dataset))
              << (preflight.dataSummary.empty() ? "" : " · " + preflight.dataSummary) << '\n';
    for (const std::string& problem : preflight.problems)
        std::cerr << "lepton: problem: " << displayText(problem) << '\n';
    return preflight.problems.empty() ? 0 : 1;
}

} // namespace lepton::cli
