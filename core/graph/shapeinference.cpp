#include "graph/shapeinference.h"

#include "graph/layerregistry.h"

#include <algorithm>
#include <exception>
#include <set>
#include <unordered_map>

namespace lepton {

namespace {

// Kahn's algorithm; among ready nodes the one added first goes next. Nodes on
// or behind a cycle never become ready and are left out.
std::vector<NodeId> kahnOrder(const Graph& graph)
{
    const std::vector<Node>& nodes = graph.nodes();
    std::unordered_map<NodeId, size_t> position;
    for (size_t i = 0; i < nodes.size(); ++i)
        position[nodes[i].id] = i;

    std::vector<int> pending(nodes.size(), 0);
    std::vector<std::vector<size_t>> successors(nodes.size());
    for (const Edge& edge : graph.edges()) {
        auto from = position.find(edge.fromNode);
        auto to = position.find(edge.toNode);
        if (from == position.end() || to == position.end())
            continue;
        successors[from->second].push_back(to->second);
        ++pending[to->second];
    }

    std::set<size_t> ready;
    for (size_t i = 0; i < nodes.size(); ++i) {
        if (pending[i] == 0)
            ready.insert(i);
    }
    std::vector<NodeId> order;
    while (!ready.empty()) {
        size_t current = *ready.begin();
        ready.erase(ready.begin());
        order.push_back(nodes[current].id);
        for (size_t next : successors[current]) {
            if (--pending[next] == 0)
                ready.insert(next);
        }
    }
    return order;
}

// "cycle: 'a' -> 'b' -> 'a'", one cycle among the nodes Kahn left out.
std::string describeCycle(const Graph& graph, const std::vector<NodeId>& order)
{
    std::set<NodeId> ordered(order.begin(), order.end());
    auto left = std::find_if(graph.nodes().begin(), graph.nodes().end(),
                             [&](const Node& n) { return !ordered.count(n.id); });
    // Every node left out has a predecessor that was left out too, so walking
    // backwards from one must come round to a node already visited.
    std::vector<NodeId> path;
    NodeId current = left->id;
    while (std::find(path.begin(), path.end(), current) == path.end()) {
        path.push_back(current);
        for (const Edge& edge : graph.edges()) {
            if (edge.toNode == current && graph.node(edge.fromNode)
                && !ordered.count(edge.fromNode)) {
                current = edge.fromNode;
                break;
            }
        }
    }
    std::vector<NodeId> cycle(std::find(path.begin(), path.end(), current), path.end());
    std::reverse(cycle.begin(), cycle.end());
    // Start at the node added first, so the message does not depend on where the walk began.
    auto first = std::min_element(cycle.begin(), cycle.end(), [&](NodeId a, NodeId b) {
        return graph.node(a) < graph.node(b); // nodes are stored in id (creation) order
    });
    std::rotate(cycle.begin(), first, cycle.end());

    std::string text = "cycle: ";
    for (NodeId id : cycle)
        text += "'" + graph.node(id)->name + "' -> ";
    return text + "'" + graph.node(cycle.front())->name + "'";
}

std::string quotedList(const std::vector<std::string>& names)
{
    std::string text;
    for (size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "'" : ", '") + names[i] + "'";
    return text;
}

// Edges into each node, grouped once so every check below is local.
using IncomingEdges = std::unordered_map<NodeId, std::vector<Edge>>;

IncomingEdges incomingEdges(const Graph& graph)
{
    IncomingEdges incoming;
    for (const Edge& edge : graph.edges())
        incoming[edge.toNode].push_back(edge);
    return incoming;
}

// What is wrong with the edges into `node`, phrased to follow its description.
struct ConnectionProblem {
    std::string text; // empty when every input has exactly one valid wire
    bool openPorts = false; // the only problem is inputs without a wire
};

ConnectionProblem connectionProblem(const Node& node, const std::vector<Edge>& edges,
                                    const Graph& graph, const LayerRegistry& registry)
{
    int count = registry.inputCount(node);
    std::vector<int> connections(static_cast<size_t>(count), 0);
    for (const Edge& edge : edges) {
        const Node* source = graph.node(edge.fromNode);
        if (!source)
            continue;
        if (edge.toPort < 0 || edge.toPort >= count)
            return {"has no input port " + std::to_string(edge.toPort) + ", but "
                    + describeNode(*source) + " is connected to it"};
        std::string port = "input '" + registry.inputPortName(node, edge.toPort) + "'";
        // A source of unknown type has its own error; its ports cannot be judged.
        if (registry.find(source->type)
            && (edge.fromPort < 0 || edge.fromPort >= registry.outputCount(*source)))
            return {port + " is connected to missing output port " + std::to_string(edge.fromPort)
                    + " of " + describeNode(*source)};
        if (++connections[static_cast<size_t>(edge.toPort)] == 2)
            return {port + " has more than one connection"};
    }
    std::vector<std::string> open;
    for (int port = 0; port < count; ++port) {
        if (connections[static_cast<size_t>(port)] == 0)
            open.push_back(registry.inputPortName(node, port));
    }
    if (open.empty())
        return {};
    if (open.size() == 1)
        return {"input " + quotedList(open) + " is not connected", true};
    return {"inputs " + quotedList(open) + " are not connected", true};
}

// Empty when every input has an element type the layer takes.
std::string dtypeProblem(const LayerSpec& spec, const Node& node, const LayerRegistry& registry,
                         const std::vector<TensorType>& inputs)
{
    if (spec.inputDType == InputDType::Any)
        return {};
    const DType wanted = spec.inputDType == InputDType::Int64 ? DType::Int64 : DType::Float32;
    for (size_t port = 0; port < inputs.size(); ++port) {
        if (inputs[port].dtype == wanted)
            continue;
        std::string problem = "input '" + registry.inputPortName(node, static_cast<int>(port))
            + "' must be " + dtypeName(wanted) + ", got " + tensorTypeToString(inputs[port]);
        if (wanted == DType::Float32)
            problem += " (token ids go through an Embedding first)";
        return problem;
    }
    return {};
}

// The node's params with every default filled in.
nlohmann::json completeParams(const Node& node, const LayerSpec& spec)
{
    nlohmann::json params = node.params.is_object() ? node.params : nlohmann::json::object();
    for (const ParamSpec& param : spec.params) {
        if (!params.contains(param.name))
            params[param.name] = param.defaultValue;
    }
    return params;
}

class Inference {
public:
    Inference(const Graph& graph, const LayerRegistry& registry, ShapeReport& report)
        : m_graph(graph)
        , m_registry(registry)
        , m_report(report)
        , m_incoming(incomingEdges(graph))
    {
    }

    // Resolves one node whose predecessors have all been visited.
    void visit(const Node& node)
    {
        NodeShapes& shapes = m_report.nodes[node.id];
        const LayerSpec* spec = m_registry.find(node.type);
        if (!spec)
            return fail(shapes, describeNode(node) + " has an unknown layer type");

        shapes.inputs.assign(static_cast<size_t>(m_registry.inputCount(node)), TensorType());
        const std::vector<Edge>& edges = edgesInto(node.id);
        const ConnectionProblem connection = connectionProblem(node, edges, m_graph, m_registry);
        bool inputsKnown = connection.text.empty() && gatherInputs(edges, shapes);

        std::string params = m_registry.validateParams(node);
        if (!params.empty())
            return fail(shapes, describeNode(node) + ": " + params);
        if (!connection.text.empty()) {
            fail(shapes, describeNode(node) + " " + connection.text);
            if (connection.openPorts)
                shapes.status = NodeStatus::NotConnected;
            return;
        }
        if (!inputsKnown)
            return; // an upstream node failed and said so
        std::string dtype = dtypeProblem(*spec, node, m_registry, shapes.inputs);
        if (!dtype.empty())
            return fail(shapes, describeNode(node) + " " + dtype);

        ShapeResult result = applyRule(*spec, node, shapes.inputs);
        if (!result.ok())
            return fail(shapes, describeNode(node) + " " + result.error);
        shapes.outputs = std::move(result.outputs);
        shapes.parameters = result.parameters;
        shapes.macs = result.macs;
        shapes.params = completeParams(node, *spec);
        shapes.params.update(result.resolved);
        shapes.status = NodeStatus::Resolved;
    }

private:
    const std::vector<Edge>& edgesInto(NodeId id) const
    {
        static const std::vector<Edge> none;
        auto it = m_incoming.find(id);
        return it == m_incoming.end() ? none : it->second;
    }

    // True when every input's source is resolved; connectionProblem() has
    // already made sure each port has exactly one valid edge.
    bool gatherInputs(const std::vector<Edge>& edges, NodeShapes& shapes) const
    {
        bool known = true;
        for (const Edge& edge : edges) {
            const NodeShapes& source = m_report.nodes.at(edge.fromNode);
            if (!source.resolved()) {
                known = false;
                continue;
            }
            shapes.inputs[static_cast<size_t>(edge.toPort)] =
                source.outputs.at(static_cast<size_t>(edge.fromPort));
        }
        return known;
    }

    ShapeResult applyRule(const LayerSpec& spec, const Node& node,
                          const std::vector<TensorType>& inputs) const
    {
        if (!spec.shapeRule)
            return ShapeResult::fail("has no shape rule");
        ShapeResult result;
        try {
            result = spec.shapeRule(node, inputs);
        } catch (const std::exception& e) {
            return ShapeResult::fail(std::string("could not work out its shape: ") + e.what());
        }
        const size_t outputs = static_cast<size_t>(m_registry.outputCount(node));
        if (result.ok() && result.outputs.size() != outputs)
            return ShapeResult::fail("gave " + std::to_string(result.outputs.size())
                                     + " output shapes for " + std::to_string(outputs)
                                     + " outputs");
        return result;
    }

    void fail(NodeShapes& shapes, std::string message)
    {
        shapes.status = NodeStatus::Invalid;
        shapes.error = message;
        m_report.errors.push_back(std::move(message));
    }

    const Graph& m_graph;
    const LayerRegistry& m_registry;
    ShapeReport& m_report;
    IncomingEdges m_incoming;
};

} // namespace

ShapeReport inferShapes(const Graph& graph, const LayerRegistry& registry)
{
    ShapeReport report;
    for (const Node& node : graph.nodes())
        report.nodes[node.id] = NodeShapes();

    // Nodes ahead of any cycle still get their shapes; the rest stay unresolved.
    std::vector<NodeId> order = kahnOrder(graph);
    Inference inference(graph, registry, report);
    for (NodeId id : order)
        inference.visit(*graph.node(id));

    if (order.size() < graph.nodes().size()) {
        report.errors.insert(report.errors.begin(), describeCycle(graph, order));
        order.clear();
    }
    report.order = std::move(order);
    return report;
}

} // namespace lepton
