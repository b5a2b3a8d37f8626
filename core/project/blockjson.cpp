#include "project/blockjson.h"

#include "project/graphjson.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace lepton {

namespace {

std::string readName(const JsonReader& json)
{
    const JsonReader name = json.at("name");
    std::string value = name.toString();
    if (value.empty())
        name.fail("must not be empty");
    return value;
}

// Reads every port first, then checks each against the whole block, so a
// problem points at the field to fix: .node for a missing node, .port else.
std::vector<BlockPort> readPorts(const JsonReader& list, const BlockDefinition& block,
                                 PortDirection direction, const LayerRegistry& registry)
{
    std::vector<BlockPort> ports;
    for (size_t i = 0; i < list.size(); ++i) {
        const JsonReader item = list.at(i);
        BlockPort port;
        std::tie(port.node, port.port) = endpointFromJson(item);
        const std::string problem = openPortProblem(block, port, direction, registry);
        if (!problem.empty())
            item.at(block.graph.node(port.node) ? "port" : "node").fail(problem);
        if (std::find(ports.begin(), ports.end(), port) != ports.end())
            item.fail("port " + std::to_string(port.port) + " of node " + std::to_string(port.node)
                      + " is listed twice");
        ports.push_back(port);
    }
    return ports;
}

nlohmann::ordered_json portsToJson(const std::vector<BlockPort>& ports)
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const BlockPort& port : ports)
        list.push_back(endpointToJson(port.node, port.port));
    return list;
}

} // namespace

BlockDefinition blockFromJson(const JsonReader& json, const LayerRegistry& registry)
{
    json.rejectUnknownKeys({"name", "description", "graph", "inputs", "outputs"});
    BlockDefinition block;
    block.name = readName(json);
    json.read("description", block.description);
    block.graph = graphFromJson(json.at("graph"), registry);
    block.inputs = readPorts(json.at("inputs"), block, PortDirection::Input, registry);
    block.outputs = readPorts(json.at("outputs"), block, PortDirection::Output, registry);
    return block;
}

nlohmann::ordered_json blockToJson(const BlockDefinition& block)
{
    return {{"name", block.name},
            {"description", block.description},
            {"graph", graphToJson(block.graph)},
            {"inputs", portsToJson(block.inputs)},
            {"outputs", portsToJson(block.outputs)}};
}

std::vector<BlockDefinition> blocksFromJson(const JsonReader& json, const LayerRegistry& registry)
{
    std::vector<BlockDefinition> blocks;
    for (size_t i = 0; i < json.size(); ++i) {
        const JsonReader item = json.at(i);
        BlockDefinition block = blockFromJson(item, registry);
        const bool taken = std::any_of(blocks.begin(), blocks.end(),
                                       [&block](const BlockDefinition& b) { return b.name == block.name; });
        if (taken)
            item.at("name").fail("duplicate block name '" + block.name + "'");
        blocks.push_back(std::move(block));
    }
    return blocks;
}

nlohmann::ordered_json blocksToJson(const std::vector<BlockDefinition>& blocks)
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const BlockDefinition& block : blocks)
        list.push_back(blockToJson(block));
    return list;
}

std::vector<NodeGroup> groupsFromJson(const JsonReader& json, const Graph& graph,
                                      const std::vector<BlockDefinition>& blocks)
{
    std::vector<NodeGroup> groups;
    std::map<NodeId, std::string> owner; // node -> the group holding it
    for (size_t i = 0; i < json.size(); ++i) {
        const JsonReader item = json.at(i);
        item.rejectUnknownKeys({"name", "block", "nodes", "collapsed"});
        NodeGroup group;
        group.name = readName(item);
        const auto sameName = [&group](const NodeGroup& g) { return g.name == group.name; };
        if (std::any_of(groups.begin(), groups.end(), sameName))
            item.at("name").fail("duplicate group name '" + group.name + "'");
        item.read("block", group.block);
        const bool known = std::any_of(blocks.begin(), blocks.end(),
                                       [&group](const BlockDefinition& b) { return b.name == group.block; });
        if (!group.block.empty() && !known)
            item.at("block").fail("no block '" + group.block + "' in this project");
        const JsonReader nodes = item.at("nodes");
        if (nodes.size() == 0)
            nodes.fail("a group needs at least one node");
        for (size_t n = 0; n < nodes.size(); ++n) {
            const JsonReader entry = nodes.at(n);
            const auto id = static_cast<NodeId>(entry.toInt(1, INT32_MAX));
            if (!graph.node(id))
                entry.fail("no node " + std::to_string(id) + " in the graph");
            const auto [holder, added] = owner.emplace(id, group.name);
            if (!added)
                entry.fail("node " + std::to_string(id) + " is already in group '" + holder->second + "'");
            group.nodes.push_back(id);
        }
        item.read("collapsed", group.collapsed);
        groups.push_back(std::move(group));
    }
    return groups;
}

nlohmann::ordered_json groupsToJson(const std::vector<NodeGroup>& groups)
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const NodeGroup& group : groups) {
        list.push_back({{"name", group.name},
                        {"block", group.block},
                        {"nodes", group.nodes},
                        {"collapsed", group.collapsed}});
    }
    return list;
}

} // namespace lepton
