#include "project/graphjson.h"

#include "graph/layerregistry.h"
#include "project/project.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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

// An edge on a cycle, if the edges make one: of the first cycle found, the
// edge listed last, the one that closed it as the file is read. Iterative,
// linear in the edges.
std::optional<size_t> cycleClosingEdge(const std::vector<Edge>& edges)
{
    std::unordered_map<NodeId, std::vector<size_t>> outgoing;
    for (size_t i = 0; i < edges.size(); ++i)
        outgoing[edges[i].fromNode].push_back(i);
    static const std::vector<size_t> kNone;
    enum class Mark { Unseen, OnPath, Done };
    std::unordered_map<NodeId, Mark> marks;
    struct Step {
        NodeId node;
        size_t via;  // the edge that led here; edges.size() for a start
        size_t next; // the next of its outgoing edges to follow
    };
    for (const auto& [start, ignored] : outgoing) {
        if (marks[start] != Mark::Unseen)
            continue;
        std::vector<Step> path{{start, edges.size(), 0}};
        marks[start] = Mark::OnPath;
        while (!path.empty()) {
            Step& step = path.back();
            const auto found = outgoing.find(step.node); // never inserts: `outgoing` is being iterated
            const std::vector<size_t>& out = found == outgoing.end() ? kNone : found->second;
            if (step.next == out.size()) {
                marks[step.node] = Mark::Done;
                path.pop_back();
                continue;
            }
            const size_t edge = out[step.next++];
            const NodeId target = edges[edge].toNode;
            if (marks[target] == Mark::OnPath) {
                size_t last = edge;
                for (auto it = path.rbegin(); it != path.rend() && it->node != target; ++it)
                    last = std::max(last, it->via);
                return last;
            }
            if (marks[target] == Mark::Unseen) {
                marks[target] = Mark::OnPath;
                path.push_back({target, edge, 0});
            }
        }
    }
    return std::nullopt;
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
    // Checked with sets and assembled at once: a file of 100,000 layers
    // loads in time linear in its size.
    const JsonReader nodeList = json.at("nodes");
    std::vector<Node> nodes;
    nodes.reserve(nodeList.size());
    std::unordered_set<NodeId> ids;
    std::unordered_set<std::string> names;
    for (size_t i = 0; i < nodeList.size(); ++i) {
        const JsonReader item = nodeList.at(i);
        Node node = readNode(item, registry);
        if (!ids.insert(node.id).second)
            item.at("id").fail("duplicate node id " + std::to_string(node.id));
        if (!names.insert(node.name).second)
            item.at("name").fail("duplicate node name '" + node.name + "'");
        nodes.push_back(std::move(node));
    }
    const Graph withNodes(nodes);

    const JsonReader edgeList = json.at("edges");
    std::vector<Edge> edges;
    edges.reserve(edgeList.size());
    std::set<Edge> seen;
    std::set<std::pair<NodeId, int>> wiredInputs;
    for (size_t i = 0; i < edgeList.size(); ++i) {
        const JsonReader item = edgeList.at(i);
        item.rejectUnknownKeys({"from", "to"});
        Edge edge;
        std::tie(edge.fromNode, edge.fromPort) = endpointFromJson(item.at("from"));
        std::tie(edge.toNode, edge.toPort) = endpointFromJson(item.at("to"));
        if (std::string problem = withNodes.endpointProblem(edge, registry); !problem.empty())
            item.fail(problem);
        const Node& from = *withNodes.node(edge.fromNode);
        const Node& to = *withNodes.node(edge.toNode);
        if (!seen.insert(edge).second)
            item.fail(describeNode(from) + " output '" + registry.outputPortName(from, edge.fromPort)
                      + "' is already connected to " + describeNode(to) + " input '"
                      + registry.inputPortName(to, edge.toPort) + "'");
        if (!wiredInputs.insert({edge.toNode, edge.toPort}).second)
            item.fail("input '" + registry.inputPortName(to, edge.toPort) + "' of " + describeNode(to)
                      + " is already connected");
        edges.push_back(edge);
    }
    if (const std::optional<size_t> closing = cycleClosingEdge(edges)) {
        const Edge& edge = edges[*closing];
        edgeList.at(*closing).fail("would create a cycle: " + describeNode(*withNodes.node(edge.toNode))
                                   + " already leads to " + describeNode(*withNodes.node(edge.fromNode)));
    }
    return Graph(std::move(nodes), std::move(edges));
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
