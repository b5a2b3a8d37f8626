#include "model/modelsummary.h"

#include "graph/shapeinference.h"

#include <limits>

namespace lepton {

namespace {

std::vector<const Node*> nodesOfType(const Graph& graph, const std::string& type)
{
    std::vector<const Node*> found;
    for (const Node& node : graph.nodes()) {
        if (node.type == type)
            found.push_back(&node);
    }
    return found;
}

int64_t saturatingAdd(int64_t a, int64_t b)
{
    int64_t sum = 0;
    return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<int64_t>::max() : sum;
}

std::string joinLines(const std::vector<std::string>& lines)
{
    std::string text;
    for (const std::string& line : lines)
        text += (text.empty() ? "" : "\n") + line;
    return text;
}

} // namespace

std::vector<std::string> modelProblems(const Graph& graph, const ShapeReport& shapes)
{
    std::vector<std::string> problems = shapes.errors;
    for (const char* type : {"Input", "Output"}) {
        const size_t count = nodesOfType(graph, type).size();
        if (count != 1)
            problems.push_back(std::string("the network needs exactly one ") + type
                               + " layer, found " + std::to_string(count));
    }
    return problems;
}

ModelSummary summarizeModel(const Graph& graph, const LayerRegistry& registry)
{
    return summarizeModel(graph, inferShapes(graph, registry));
}

ModelSummary summarizeModel(const Graph& graph, const ShapeReport& shapes)
{
    const std::vector<std::string> problems = modelProblems(graph, shapes);
    if (!problems.empty())
        throw ModelError(joinLines(problems));

    ModelSummary summary;
    summary.inputNode = nodesOfType(graph, "Input").front()->id;
    summary.outputNode = nodesOfType(graph, "Output").front()->id;
    for (NodeId id : shapes.order) {
        const Node& node = *graph.node(id);
        const NodeShapes& nodeShapes = shapes.nodes.at(id);
        LayerSummary layer;
        layer.id = id;
        layer.name = node.name;
        layer.type = node.type;
        // The Output layer has no output port; what it hands out is its input.
        layer.outputs = id == summary.outputNode ? nodeShapes.inputs : nodeShapes.outputs;
        layer.parameters = nodeShapes.parameters;
        layer.macs = nodeShapes.macs;
        summary.totalParameters = saturatingAdd(summary.totalParameters, layer.parameters);
        summary.macs = saturatingAdd(summary.macs, layer.macs);
        if (id != summary.outputNode) {
            for (const TensorType& output : layer.outputs)
                summary.activationElements =
                    saturatingAdd(summary.activationElements, shapeElementCount(output.shape));
        }
        summary.layers.push_back(std::move(layer));
    }
    // Every weight of a built-in layer is trained; frozen layers would differ.
    summary.trainableParameters = summary.totalParameters;
    return summary;
}

} // namespace lepton

namespace lepton {

int64_t ModelSummary::trainingBytes(int64_t batchSize) const
{
    constexpr double floatBytes = 4;
    const double weights = 4.0 * static_cast<double>(totalParameters);
    const double activations = 2.0 * static_cast<double>(activationElements)
        * static_cast<double>(batchSize);
    const double bytes = floatBytes * (weights + activations);
    return bytes >= 9.2e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(bytes);
}

} // namespace lepton
