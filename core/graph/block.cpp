#include "graph/block.h"

#include "graph/layerregistry.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

namespace lepton {

namespace {

using NodeSet = std::set<NodeId>;

[[noreturn]] void refuse(const std::string& reason)
{
    throw std::invalid_argument(reason);
}

// The wires leaving `id`: edges are sorted by their source, so they sit together.
std::pair<std::vector<Edge>::const_iterator, std::vector<Edge>::const_iterator>
edgesFrom(const Graph& graph, NodeId id)
{
    const std::vector<Edge>& edges = graph.edges();
    auto first = std::lower_bound(edges.begin(), edges.end(), id,
                                  [](const Edge& e, NodeId wanted) { return e.fromNode < wanted; });
    auto last = std::find_if(first, edges.end(), [id](const Edge& e) { return e.fromNode != id; });
    return {first, last};
}

void checkMembers(const Graph& graph, const NodeSet& selection, const LayerRegistry& registry)
{
    for (NodeId id : selection) {
        const Node* node = graph.node(id);
        if (!node)
            refuse("node " + std::to_string(id) + " does not exist");
        if (!registry.find(node->type))
            refuse(describeNode(*node) + " has an unknown layer type");
        // A layer without inputs (Input) or outputs (Output) is an end of the network.
        if (registry.inputCount(*node) == 0 || registry.outputCount(*node) == 0)
            refuse(describeNode(*node) + " cannot be part of a block: blocks hold inner layers, "
                   "not the network's inputs and outputs");
    }
}

// Walks forwards from every outside node the selection feeds; reaching the
// selection again means a path leaves it and comes back.
void checkConvex(const Graph& graph, const NodeSet& selection)
{
    std::map<NodeId, NodeId> leftFrom; // outside node -> selected node the path left
    std::vector<NodeId> pending;
    for (const Edge& edge : graph.edges()) {
        if (selection.count(edge.fromNode) && !selection.count(edge.toNode)
            && leftFrom.emplace(edge.toNode, edge.fromNode).second)
            pending.push_back(edge.toNode);
    }
    while (!pending.empty()) {
        const NodeId current = pending.back();
        pending.pop_back();
        const auto [first, last] = edgesFrom(graph, current);
        for (auto edge = first; edge != last; ++edge) {
            if (selection.count(edge->toNode))
                refuse("a path leaves the selection at " + describeNode(*graph.node(leftFrom[current]))
                       + " and comes back into " + describeNode(*graph.node(edge->toNode))
                       + " through " + describeNode(*graph.node(current))
                       + ": as one block it would feed itself, a cycle");
            if (leftFrom.emplace(edge->toNode, leftFrom[current]).second)
                pending.push_back(edge->toNode);
        }
    }
}

// Top to bottom, so a collapsed block lists its ports the way its nodes sit.
void sortPorts(std::vector<BlockPort>& ports, const Graph& graph)
{
    auto key = [&graph](const BlockPort& p) {
        return std::make_tuple(graph.node(p.node)->position.y, p.node, p.port);
    };
    std::sort(ports.begin(), ports.end(),
              [&key](const BlockPort& a, const BlockPort& b) { return key(a) < key(b); });
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
}

// The definition's name while it is free, else the next free one numbered
// from its base: "fc1" -> "fc3" when fc1 and fc2 are taken.
std::string freeName(const Graph& graph, const std::string& name)
{
    if (!graph.nodeByName(name))
        return name;
    size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1])))
        --end;
    return graph.uniqueName(name.substr(0, end));
}

void checkFits(const BlockDefinition& block, const LayerRegistry& registry)
{
    const std::string prefix = "block '" + block.name + "': ";
    for (const Node& node : block.graph.nodes()) {
        const std::string problem = registry.validateParams(node);
        if (!problem.empty())
            refuse(prefix + describeNode(node) + ": " + problem);
    }
    for (PortDirection direction : {PortDirection::Input, PortDirection::Output}) {
        for (const BlockPort& port : direction == PortDirection::Input ? block.inputs : block.outputs) {
            const std::string problem = openPortProblem(block, port, direction, registry);
            if (!problem.empty())
                refuse(prefix + problem);
        }
    }
}

} // namespace

bool BlockPort::operator==(const BlockPort& other) const
{
    return node == other.node && port == other.port;
}

BlockDefinition blockFromSelection(const Graph& graph, const std::vector<NodeId>& selection,
                                   const std::string& name, const LayerRegistry& registry)
{
    if (name.empty())
        refuse("a block needs a name");
    const NodeSet inside(selection.begin(), selection.end());
    if (inside.empty())
        refuse("select the layers to make a block of");
    checkMembers(graph, inside, registry);
    checkConvex(graph, inside);

    Position topLeft{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
    for (NodeId id : inside) {
        topLeft.x = std::min(topLeft.x, graph.node(id)->position.x);
        topLeft.y = std::min(topLeft.y, graph.node(id)->position.y);
    }
    // Ids 1..n in the original order, so a definition does not depend on
    // where in which project it was made.
    BlockDefinition block;
    block.name = name;
    std::map<NodeId, NodeId> innerId;
    for (NodeId id : inside) {
        Node node = *graph.node(id);
        node.id = static_cast<NodeId>(innerId.size() + 1);
        node.position = {node.position.x - topLeft.x, node.position.y - topLeft.y};
        innerId[id] = block.graph.addNode(std::move(node));
    }
    for (const Edge& edge : graph.edges()) {
        const bool from = inside.count(edge.fromNode) > 0;
        const bool to = inside.count(edge.toNode) > 0;
        if (from && to)
            block.graph.addEdge({innerId[edge.fromNode], edge.fromPort, innerId[edge.toNode], edge.toPort});
        else if (to)
            block.inputs.push_back({innerId[edge.toNode], edge.toPort});
        else if (from)
            block.outputs.push_back({innerId[edge.fromNode], edge.fromPort});
    }
    sortPorts(block.inputs, block.graph);
    sortPorts(block.outputs, block.graph);
    return block;
}

BlockInstance instantiateBlock(const BlockDefinition& block, Graph& graph, Position at,
                               const LayerRegistry& registry)
{
    checkFits(block, registry);
    BlockInstance instance;
    std::map<NodeId, NodeId> placed;
    for (const Node& inner : block.graph.nodes()) {
        Node node = inner;
        node.id = 0;
        node.name = freeName(graph, inner.name);
        node.position = {at.x + inner.position.x, at.y + inner.position.y};
        placed[inner.id] = graph.addNode(std::move(node));
        instance.nodes.push_back(placed[inner.id]);
    }
    for (const Edge& edge : block.graph.edges())
        graph.addEdge({placed[edge.fromNode], edge.fromPort, placed[edge.toNode], edge.toPort});
    for (const BlockPort& port : block.inputs)
        instance.inputs.push_back({placed[port.node], port.port});
    for (const BlockPort& port : block.outputs)
        instance.outputs.push_back({placed[port.node], port.port});
    return instance;
}

std::string openPortProblem(const BlockDefinition& block, const BlockPort& port,
                            PortDirection direction, const LayerRegistry& registry)
{
    const Node* node = block.graph.node(port.node);
    if (!node)
        return "no node " + std::to_string(port.node) + " in block '" + block.name + "'";
    if (!registry.find(node->type))
        return describeNode(*node) + " has an unknown layer type";
    if (direction == PortDirection::Output) {
        if (port.port < 0 || port.port >= registry.outputCount(*node))
            return describeNode(*node) + " has no output port " + std::to_string(port.port);
        return {};
    }
    if (port.port < 0 || port.port >= registry.inputCount(*node))
        return describeNode(*node) + " has no input port " + std::to_string(port.port);
    if (block.graph.edgeInto(port.node, port.port))
        return "input '" + registry.inputPortName(*node, port.port) + "' of " + describeNode(*node)
            + " is wired inside block '" + block.name + "'";
    return {};
}

std::string uniqueGroupName(const std::vector<NodeGroup>& groups, const std::string& base)
{
    for (int i = 1;; ++i) {
        std::string name = base + std::to_string(i);
        const auto taken = [&name](const NodeGroup& g) { return g.name == name; };
        if (std::none_of(groups.begin(), groups.end(), taken))
            return name;
    }
}

std::vector<Edge> boundaryEdges(const Graph& graph, const std::vector<NodeId>& group)
{
    const NodeSet members(group.begin(), group.end());
    std::vector<Edge> result;
    std::copy_if(graph.edges().begin(), graph.edges().end(), std::back_inserter(result),
                 [&members](const Edge& e) { return members.count(e.fromNode) != members.count(e.toNode); });
    return result;
}

} // namespace lepton
