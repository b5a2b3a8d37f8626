#include "project/graphjson.h"

#include "graph/layerregistry.h"
#include "project/project.h"

#include <cstdint>
#include <tuple>

namespace lepton {

namespace {

// Leaves room for Graph to hand out the next id.
constexpr int64_t kMaxNodeId = INT32_MAX - 1;

// The path of the parameter that fails on its own, so an editor can point at
// it; the whole params object when only the combination is wrong.
std::string badParamPath(const Node& node, const LayerRegistry& registry, const std::string& paramsPath)
{
    for (const auto& [name, value] : node.params.items()) {
        Node single = node;
        single.params = nlohmann::json::object({{name, value}});
        if (!registry.validateParams(single).empty())
            return paramsPath + "." + name;
    }
    return paramsPath;
}

Node readNode(const JsonReader& json, const LayerRegistry& registry)
{
    json.rejectUnknownKeys({"id", "name", "type", "params", "position"});
    Node node;
    node.id = static_cast<NodeId>(json.at("id").toInt(1, kMaxNodeId));
    const JsonReader name = json.at("name");
    node.name = name.toString();
    if (node.name.empty())
        name.fail("must not be empty");
    const JsonReader type = json.at("type");
    node.type = type.toString();
    if (!registry.find(node.type))
        type.fail("unknown layer type '" + node.type + "'");
    if (auto params = json.find("params")) {
        node.params = params->expectObject().value();
        const std::string problem = registry.validateParams(node);
        if (!problem.empty())
            throw ProjectError({}, badParamPath(node, registry, params->path()), problem);
    }
    if (auto position = json.find("position")) {
        position->rejectUnknownKeys({"x", "y"});
        position->read("x", node.position.x);
        position->read("y", node.position.y);
    }
    return node;
}

} // namespace

std::pair<NodeId, int> endpointFromJson(const JsonReader& json)
{
    json.rejectUnknownKeys({"node", "port"});
    return {static_cast<NodeId>(json.at("node").toInt(1, kMaxNodeId)),
            static_cast<int>(json.at("port").toInt(0, INT32_MAX))};
}

nlohmann::ordered_json endpointToJson(NodeId node, int port)
{
    return {{"node", node}, {"port", port}};
}

Graph graphFromJson(const JsonReader& json, const LayerRegistry& registry)
{
    json.rejectUnknownKeys({"nodes", "edges"});
    Graph graph;
    const JsonReader nodes = json.at("nodes");
    for (size_t i = 0; i < nodes.size(); ++i) {
        const JsonReader item = nodes.at(i);
        Node node = readNode(item, registry);
        if (graph.node(node.id))
            item.at("id").fail("duplicate node id " + std::to_string(node.id));
        if (graph.nodeByName(node.name))
            item.at("name").fail("duplicate node name '" + node.name + "'");
        graph.addNode(std::move(node));
    }
    const JsonReader edges = json.at("edges");
    for (size_t i = 0; i < edges.size(); ++i) {
        const JsonReader item = edges.at(i);
        item.rejectUnknownKeys({"from", "to"});
        Edge edge;
        std::tie(edge.fromNode, edge.fromPort) = endpointFromJson(item.at("from"));
        std::tie(edge.toNode, edge.toPort) = endpointFromJson(item.at("to"));
        const std::string problem = graph.canConnect(edge, registry);
        if (!problem.empty())
            item.fail(problem);
        graph.addEdge(edge);
    }
    return graph;
}

nlohmann::ordered_json graphToJson(const Graph& graph)
{
    nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
    for (const Node& node : graph.nodes()) {
        nodes.push_back({{"id", node.id},
                         {"name", node.name},
                         {"type", node.type},
                         {"params", nlohmann::ordered_json(node.params)},
                         {"position", {{"x", node.position.x}, {"y", node.position.y}}}});
    }
    nlohmann::ordered_json edges = nlohmann::ordered_json::array();
    for (const Edge& edge : graph.edges()) {
        edges.push_back({{"from", endpointToJson(edge.fromNode, edge.fromPort)},
                         {"to", endpointToJson(edge.toNode, edge.toPort)}});
    }
    return {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

} // namespace lepton
