#include "graphfragment.h"

#include "graph/layerregistry.h"

#include <nlohmann/json.hpp>

#include <QMimeData>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

const QString kMime = QString::fromLatin1(kGraphMimeType);

nlohmann::json endpoint(NodeId node, int port)
{
    return {{"node", node}, {"port", port}};
}

std::optional<std::pair<NodeId, int>> readEndpoint(const nlohmann::json& json)
{
    if (!json.is_object() || !json.contains("node") || !json.contains("port"))
        return std::nullopt;
    const nlohmann::json& node = json["node"];
    const nlohmann::json& port = json["port"];
    if (!node.is_number_integer() || !port.is_number_integer() || port.get<int64_t>() < 0
        || port.get<int64_t>() > 1024 || node.get<int64_t>() < 1 || node.get<int64_t>() > INT32_MAX)
        return std::nullopt;
    return std::pair(node.get<NodeId>(), port.get<int>());
}

std::optional<Node> readNode(const nlohmann::json& json, const LayerRegistry& registry)
{
    if (!json.is_object())
        return std::nullopt;
    Node node;
    const auto id = json.find("id");
    const auto name = json.find("name");
    const auto type = json.find("type");
    if (id == json.end() || !id->is_number_integer() || id->get<int64_t>() < 1
        || id->get<int64_t>() > INT32_MAX || name == json.end() || !name->is_string()
        || type == json.end() || !type->is_string())
        return std::nullopt;
    node.id = id->get<NodeId>();
    node.name = name->get<std::string>();
    node.type = type->get<std::string>();
    node.params = json.value("params", nlohmann::json::object());
    if (node.name.empty() || !registry.validateParams(node).empty())
        return std::nullopt;
    nlohmann::json position = json.value("position", nlohmann::json::object());
    if (!position.is_object())
        position = nlohmann::json::object();
    const nlohmann::json x = position.value("x", nlohmann::json(0.0));
    const nlohmann::json y = position.value("y", nlohmann::json(0.0));
    if (x.is_number() && y.is_number() && std::isfinite(x.get<double>()) && std::isfinite(y.get<double>()))
        node.position = {x.get<double>(), y.get<double>()};
    return node;
}

} // namespace

GraphFragment copyFragment(const Graph& graph, const std::vector<NodeId>& nodes)
{
    auto listed = [&nodes](NodeId id) { return std::find(nodes.begin(), nodes.end(), id) != nodes.end(); };
    GraphFragment fragment;
    for (const Node& node : graph.nodes()) {
        if (listed(node.id))
            fragment.nodes.push_back(node);
    }
    for (const Edge& edge : graph.edges()) {
        if (listed(edge.fromNode) && listed(edge.toNode))
            fragment.edges.push_back(edge);
    }
    return fragment;
}

QMimeData* fragmentToMimeData(const GraphFragment& fragment)
{
    nlohmann::json nodes = nlohmann::json::array();
    for (const Node& node : fragment.nodes) {
        nodes.push_back({{"id", node.id},
                         {"name", node.name},
                         {"type", node.type},
                         {"params", node.params},
                         {"position", {{"x", node.position.x}, {"y", node.position.y}}}});
    }
    nlohmann::json edges = nlohmann::json::array();
    for (const Edge& edge : fragment.edges)
        edges.push_back({{"from", endpoint(edge.fromNode, edge.fromPort)}, {"to", endpoint(edge.toNode, edge.toPort)}});
    auto* mime = new QMimeData;
    const nlohmann::json json{{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
    mime->setData(kMime, QByteArray::fromStdString(json.dump()));
    return mime;
}

std::optional<GraphFragment> fragmentFromMimeData(const QMimeData* mime, const LayerRegistry& registry)
{
    if (!mime || !mime->hasFormat(kMime))
        return std::nullopt;
    const nlohmann::json json = nlohmann::json::parse(mime->data(kMime).toStdString(), nullptr, false);
    if (!json.is_object() || !json.contains("nodes") || !json["nodes"].is_array())
        return std::nullopt;
    GraphFragment fragment;
    for (const nlohmann::json& item : json["nodes"]) {
        std::optional<Node> node = readNode(item, registry);
        const bool duplicate = node && std::any_of(fragment.nodes.begin(), fragment.nodes.end(),
                                                   [&](const Node& other) { return other.id == node->id; });
        if (node && !duplicate)
            fragment.nodes.push_back(std::move(*node));
    }
    if (fragment.empty())
        return std::nullopt;
    auto known = [&fragment](NodeId id) {
        return std::any_of(fragment.nodes.begin(), fragment.nodes.end(),
                           [id](const Node& node) { return node.id == id; });
    };
    for (const nlohmann::json& item : json.value("edges", nlohmann::json::array())) {
        if (!item.is_object())
            continue;
        const auto from = readEndpoint(item.value("from", nlohmann::json()));
        const auto to = readEndpoint(item.value("to", nlohmann::json()));
        if (from && to && known(from->first) && known(to->first))
            fragment.edges.push_back({from->first, from->second, to->first, to->second});
    }
    return fragment;
}

} // namespace lepton
