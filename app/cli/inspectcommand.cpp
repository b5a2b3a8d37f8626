#include "commands.h"

#include "graph/layerregistry.h"
#include "model/modelsummary.h"
#include "project/project.h"

#include <cstdio>
#include <iostream>
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

std::string shapesText(const std::vector<Shape>& shapes)
{
    std::string text;
    for (const Shape& shape : shapes)
        text += (text.empty() ? "" : " ") + shapeToString(shape);
    return text;
}

} // namespace

int runInspect(const InspectOptions& options)
{
    Project project = loadProject(options.projectPath, LayerRegistry::builtin());
    ModelSummary summary = summarizeModel(project.graph, LayerRegistry::builtin());

    std::cout << project.name << " (" << options.projectPath << ")\n";
    std::printf("%-4s %-16s %-12s %-18s %12s\n", "#", "layer", "type", "output shape", "parameters");
    int index = 1;
    for (const LayerSummary& layer : summary.layers) {
        std::printf("%-4d %-16s %-12s %-18s %12s\n", index++, layer.name.c_str(), layer.type.c_str(),
                    shapesText(layer.outputShapes).c_str(), withThousands(layer.parameters).c_str());
    }
    std::printf("%zu layers, %s parameters (%s trainable)\n", summary.layers.size(),
                withThousands(summary.totalParameters).c_str(),
                withThousands(summary.trainableParameters).c_str());
    return 0;
}

} // namespace lepton::cli
