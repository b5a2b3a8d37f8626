#include "project/starternetwork.h"

#include "graph/layerregistry.h"

#include <algorithm>

namespace lepton {

namespace {

// Builds a chain left to right, each layer fed by the one before.
class ChainBuilder {
public:
    ChainBuilder(Graph& graph, const LayerRegistry& registry)
        : m_graph(graph), m_registry(registry)
    {
    }

    NodeId add(const std::string& type, nlohmann::json params = nlohmann::json::object(),
               int fromPort = 0)
    {
        Node node = m_registry.makeNode(type, m_graph, {m_x, 0.0});
        node.params.update(params);
        m_x += 200.0;
        const NodeId id = m_graph.addNode(std::move(node));
        if (m_last)
            m_graph.addEdge({m_last, fromPort, id, 0});
        m_last = id;
        return id;
    }

private:
    Graph& m_graph;
    const LayerRegistry& m_registry;
    NodeId m_last = 0;
    double m_x = 0.0;
};

bool isImage(const Shape& shape)
{
    return shape.size() == 3 && shape[1] >= 4 && shape[2] >= 4;
}

} // namespace

DataInterface dataInterface(const Dataset& data)
{
    DataInterface interface;
    interface.input = TensorType(data.featureShape, data.featureDType);
    interface.task = data.task;
    interface.outputs = data.task == TaskType::Classification ? data.numClasses
                                                              : shapeElementCount(data.targetShape);
    if (data.featureDType == DType::Int64) {
        float highest = 0.0f;
        const float* ids = data.floatData();
        for (size_t i = 0; i < data.storedValues(); ++i)
            highest = std::max(highest, ids[i]);
        interface.vocabulary = static_cast<int64_t>(highest) + 1;
    }
    return interface;
}

Graph starterNetwork(const DataInterface& data, const LayerRegistry& registry)
{
    Graph graph;
    ChainBuilder chain(graph, registry);
    chain.add("Input", {{"shape", data.input.shape},
                        {"dtype", data.input.dtype == DType::Int64 ? "int64" : "float32"}});
    if (data.input.dtype == DType::Int64) {
        chain.add("Embedding", {{"num_embeddings", std::max<int64_t>(data.vocabulary, 2)},
                                {"embedding_dim", 64}, {"padding_idx", 0}});
        chain.add("LSTM", {{"hidden_size", 64}});
        chain.add("Linear", {{"out_features", data.outputs}}, /*the final state*/ 1);
    } else if (isImage(data.input.shape)) {
        for (int filters : {32, 64}) {
            chain.add("Conv2d", {{"out_channels", filters}, {"kernel_size", 3}, {"padding", 1}});
            chain.add("BatchNorm2d");
            chain.add("ReLU");
            chain.add("MaxPool2d", {{"kernel_size", 2}});
        }
        chain.add("Flatten");
        chain.add("Linear", {{"out_features", 128}});
        chain.add("ReLU");
        chain.add("Linear", {{"out_features", data.outputs}});
    } else {
        if (data.input.shape.size() > 1)
            chain.add("Flatten");
        for (int hidden : {64, 64}) {
            chain.add("Linear", {{"out_features", hidden}});
            chain.add("ReLU");
        }
        chain.add("Linear", {{"out_features", data.outputs}});
    }
    chain.add("Output");
    return graph;
}

std::vector<std::string> fitNetworkToData(Graph& graph, const DataInterface& data,
                                          const LayerRegistry& registry)
{
    std::vector<std::string> problems;
    std::vector<NodeId> inputs, outputs;
    for (const Node& node : graph.nodes()) {
        if (node.type == "Input")
            inputs.push_back(node.id);
        if (node.type == "Output")
            outputs.push_back(node.id);
    }
    if (inputs.size() != 1 || outputs.size() != 1) {
        problems.push_back("the network needs exactly one Input and one Output layer, it has "
                           + std::to_string(inputs.size()) + " and " + std::to_string(outputs.size()));
        return problems;
    }
    Node& input = *graph.node(inputs.front());
    input.params["shape"] = data.input.shape;
    input.params["dtype"] = data.input.dtype == DType::Int64 ? "int64" : "float32";
    for (const Node& node : graph.nodes()) {
        if (node.type == "Embedding" && data.vocabulary > 0) {
            graph.node(node.id)->params["num_embeddings"] = std::max<int64_t>(data.vocabulary, 2);
            break;
        }
    }

    // Walk back from the Output along first inputs (activations, dropout)
    // to the Linear that sets the output size.
    NodeId at = outputs.front();
    while (const std::optional<Edge> feeding = graph.edgeInto(at, 0)) {
        at = feeding->fromNode;
        Node& node = *graph.node(at);
        if (node.type == "Linear") {
            node.params["out_features"] = data.outputs;
            return problems;
        }
        if (registry.inputCount(node) != 1)
            break;
    }
    problems.push_back(describeNode(*graph.node(outputs.front()))
                       + " is not fed by a Linear layer whose size could be set to "
                       + std::to_string(data.outputs) + " outputs");
    return problems;
}

std::vector<std::string> markDataMismatches(ShapeReport& report, const Graph& graph,
                                            const DataInterface& data)
{
    std::vector<std::string> problems;
    const auto mark = [&](const Node& node, const std::string& problem) {
        const std::string message = describeNode(node) + " " + problem;
        NodeShapes& shapes = report.nodes[node.id];
        shapes.status = NodeStatus::Invalid;
        shapes.error = message;
        report.errors.push_back(message);
        problems.push_back(message);
    };
    for (const Node& node : graph.nodes()) {
        auto found = report.nodes.find(node.id);
        if (found == report.nodes.end())
            continue;
        const NodeShapes& shapes = found->second;
        // Only what inference resolved: a layer behind a shape error has no
        // real input to judge.
        if (shapes.status != NodeStatus::Resolved)
            continue;
        if (node.type == "Input" && !shapes.outputs.empty() && shapes.outputs.front() != data.input) {
            mark(node, "takes " + tensorTypeToString(shapes.outputs.front()) + " but the data gives "
                           + tensorTypeToString(data.input));
        } else if (node.type == "Output" && !shapes.inputs.empty()) {
            const Shape& given = shapes.inputs.front().shape;
            const bool fits = data.task == TaskType::Classification
                ? given == Shape{data.outputs}
                : shapeElementCount(given) == data.outputs;
            if (!fits)
                mark(node, "receives " + shapeToString(given) + " but the data has "
                               + std::to_string(data.outputs)
                               + (data.task == TaskType::Classification ? " classes" : " target values"));
        }
    }
    return problems;
}

} // namespace lepton
