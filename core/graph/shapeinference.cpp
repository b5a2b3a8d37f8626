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

// What is wrong with the edges into `node`, phrased to follow its description.
std::string connectionProblem(const Node& node, const Graph& graph, const LayerRegistry& registry)
{
    int count = registry.inputCount(node);
    std::vector<int> connections(static_cast<size_t>(count), 0);
    for (const Edge& edge : graph.edges()) {
        const Node* source = graph.node(edge.fromNode);
        if (edge.toNode != node.id || !source)
            continue;
        if (edge.toPort < 0 || edge.toPort >= count)
            return "has no input port " + std::to_string(edge.toPort) + ", but "
                + describeNode(*source) + " is connected to it";
        std::string port = "input '" + registry.inputPortName(node, edge.toPort) + "'";
        // A source of unknown type has its own error; its ports cannot be judged.
        if (registry.find(source->type)
            && (edge.fromPort < 0 || edge.fromPort >= registry.outputCount(*source)))
            return port + " is connected to missing output port " + std::to_string(edge.fromPort)
                + " of " + describeNode(*source);
        if (++connections[static_cast<size_t>(edge.toPort)] == 2)
            return port + " has more than one connection";
    }
    std::vector<std::string> open;
    for (int port = 0; port < count; ++port) {
        if (connections[static_cast<size_t>(port)] == 0)
            open.push_back(registry.inputPortName(node, port));
    }
    if (open.empty())
        return {};
    if (open.size() == 1)
        return "input " + quotedList(open) + " is not connected";
    return "inputs " + quotedList(open) + " are not connected";
}

class Inference {
public:
    Inference(const Graph& graph, const LayerRegistry& registry, ShapeReport& report)
        : m_graph(graph), m_registry(registry), m_report(report)
    {
    }

    // Resolves one node whose predecessors have all been visited.
    void visit(const Node& node)
    {
        NodeShapes& shapes = m_report.nodes[node.id];
        const LayerSpec* spec = m_registry.find(node.type);
        if (!spec)
            return fail(shapes, describeNode(node) + " has an unknown layer type");

        shapes.inputs.assign(static_cast<size_t>(m_registry.inputCount(node)), Shape());
        std::string connection = connectionProblem(node, m_graph, m_registry);
        bool inputsKnown = connection.empty() && gatherInputs(node, shapes);

        std::string params = m_registry.validateParams(node);
        if (!params.empty())
            return fail(shapes, describeNode(node) + ": " + params);
        if (!connection.empty())
            return fail(shapes, describeNode(node) + " " + connection);
        if (!inputsKnown)
            return; // an upstream node failed and said so

        ShapeResult result = applyRule(*spec, node, shapes.inputs);
        if (!result.ok())
            return fail(shapes, describeNode(node) + " " + result.error);
        shapes.outputs = std::move(result.outputs);
        shapes.parameters = result.parameters;
        m_resolved.insert(node.id);
    }

private:
    bool gatherInputs(const Node& node, NodeShapes& shapes) const
    {
        bool known = true;
        for (size_t port = 0; port < shapes.inputs.size(); ++port) {
            std::optional<Edge> edge = m_graph.edgeInto(node.id, static_cast<int>(port));
            if (!edge || !m_resolved.count(edge->fromNode)) {
                known = false;
                continue;
            }
            shapes.inputs[port] = m_report.nodes.at(edge->fromNode).outputs.at(
                static_cast<size_t>(edge->fromPort));
        }
        return known;
    }

    static ShapeResult applyRule(const LayerSpec& spec, const Node& node,
                                 const std::vector<Shape>& inputs)
    {
        if (!spec.shapeRule)
            return ShapeResult::fail("has no shape rule");
        ShapeResult result;
        try {
            result = spec.shapeRule(node, inputs);
        } catch (const std::exception& e) {
            return ShapeResult::fail(std::string("could not work out its shape: ") + e.what());
        }
        if (result.ok() && result.outputs.size() != spec.outputPorts.size())
            return ShapeResult::fail("gave " + std::to_string(result.outputs.size())
                                     + " output shapes for "
                                     + std::to_string(spec.outputPorts.size()) + " outputs");
        return result;
    }

    void fail(NodeShapes& shapes, std::string message)
    {
        shapes.error = message;
        m_report.errors.push_back(std::move(message));
    }

    const Graph& m_graph;
    const LayerRegistry& m_registry;
    ShapeReport& m_report;
    std::set<NodeId> m_resolved;
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
