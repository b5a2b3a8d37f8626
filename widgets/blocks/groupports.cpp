#include "blocks/groupports.h"

#include "graph/layerregistry.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace lepton {

namespace {

// The group's node standing for each of the block's nodes: both in id order,
// as instantiateBlock and blockFromSelection make them. Empty when the group
// no longer matches the block (a layer was deleted, or replaced).
std::map<NodeId, NodeId> innerToGraph(const Graph& graph, const NodeGroup& group, const BlockDefinition& block)
{
    const std::vector<Node>& inner = block.graph.nodes();
    if (inner.size() != group.nodes.size())
        return {};
    std::vector<NodeId> members = group.nodes;
    std::sort(members.begin(), members.end());
    std::map<NodeId, NodeId> mapping;
    for (size_t i = 0; i < inner.size(); ++i) {
        const Node* node = graph.node(members[i]);
        if (!node || node->type != inner[i].type)
            return {};
        mapping[inner[i].id] = members[i];
    }
    return mapping;
}

void addPort(std::vector<BlockPort>& ports, BlockPort port)
{
    if (std::find(ports.begin(), ports.end(), port) == ports.end())
        ports.push_back(port);
}

} // namespace

GroupPorts groupPorts(const Graph& graph, const NodeGroup& group, const BlockDefinition* block,
                      const LayerRegistry& registry)
{
    GroupPorts ports;
    const std::map<NodeId, NodeId> members = block ? innerToGraph(graph, group, *block)
                                                   : std::map<NodeId, NodeId>();
    if (!members.empty()) {
        const auto mapped = [&](const BlockPort& port, bool input) {
            const auto found = members.find(port.node);
            if (found == members.end())
                return;
            const NodeId id = found->second;
            const Node& node = *graph.node(id);
            const int count = input ? registry.inputCount(node) : registry.outputCount(node);
            if (port.port < count)
                addPort(input ? ports.inputs : ports.outputs, {id, port.port});
        };
        for (const BlockPort& port : block->inputs)
            mapped(port, true);
        for (const BlockPort& port : block->outputs)
            mapped(port, false);
    }

    GroupPorts crossing;
    for (const Edge& edge : boundaryEdges(graph, group.nodes)) {
        const bool into = std::find(group.nodes.begin(), group.nodes.end(), edge.toNode) != group.nodes.end();
        if (into)
            addPort(crossing.inputs, {edge.toNode, edge.toPort});
        else
            addPort(crossing.outputs, {edge.fromNode, edge.fromPort});
    }
    const auto topToBottom = [&graph](const BlockPort& a, const BlockPort& b) {
        return std::make_tuple(graph.node(a.node)->position.y, a.node, a.port)
            < std::make_tuple(graph.node(b.node)->position.y, b.node, b.port);
    };
    for (auto* list : {&crossing.inputs, &crossing.outputs})
        std::sort(list->begin(), list->end(), topToBottom);
    for (const BlockPort& port : crossing.inputs)
        addPort(ports.inputs, port);
    for (const BlockPort& port : crossing.outputs)
        addPort(ports.outputs, port);
    return ports;
}

} // namespace lepton
