#pragma once

// Small builders shared by the graph and shape-inference tests.
#include "graph/graph.h"
#include "graph/layerregistry.h"
#include "graph/shape.h"
#include "graph/shapeinference.h"

#include <QString>
#include <QStringList>

#include <algorithm>

namespace lepton::testing {

using nlohmann::json;

inline const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
}

inline Node makeLayer(const std::string& type, const std::string& name, json params = json::object())
{
    Node node;
    node.type = type;
    node.name = name;
    node.params = std::move(params);
    return node;
}

// A graph written as {"nodes": [[name, type, params?], ...],
// "edges": [[from, to], [from, to, toPort], [from, fromPort, to, toPort]]}.
// Edges go through addEdge unchecked, so rows can hold cycles and bad ports.
inline Graph graphFromJson(const QString& text)
{
    json spec = json::parse(text.toStdString());
    Graph graph;
    for (const json& entry : spec.at("nodes")) {
        json params = entry.size() > 2 ? entry[2] : json::object();
        graph.addNode(makeLayer(entry[1].get<std::string>(), entry[0].get<std::string>(), params));
    }
    auto id = [&graph](const json& name) { return graph.nodeByName(name.get<std::string>())->id; };
    for (const json& e : spec.value("edges", json::array())) {
        if (e.size() == 4)
            graph.addEdge({id(e[0]), e[1].get<int>(), id(e[2]), e[3].get<int>()});
        else
            graph.addEdge({id(e[0]), 0, id(e[1]), e.size() > 2 ? e[2].get<int>() : 0});
    }
    return graph;
}

inline QStringList toQStringList(const std::vector<std::string>& items)
{
    QStringList list;
    for (const std::string& item : items)
        list << QString::fromStdString(item);
    return list;
}

// The shape a node hands on: its first output, or for Output its input.
inline QString flowingShape(const ShapeReport& report, NodeId id)
{
    const NodeShapes& shapes = report.nodes.at(id);
    if (!shapes.outputs.empty())
        return QString::fromStdString(tensorTypeToString(shapes.outputs[0]));
    if (!shapes.inputs.empty() && !shapes.inputs[0].shape.empty())
        return QString::fromStdString(tensorTypeToString(shapes.inputs[0]));
    return {};
}

// Every edge runs forwards in the order, and the order holds every node once.
inline bool isTopological(const Graph& graph, const std::vector<NodeId>& order)
{
    if (order.size() != graph.nodes().size())
        return false;
    auto position = [&order](NodeId id) { return std::find(order.begin(), order.end(), id); };
    for (const Node& node : graph.nodes()) {
        if (position(node.id) == order.end())
            return false;
    }
    return std::all_of(graph.edges().begin(), graph.edges().end(), [&](const Edge& e) {
        return position(e.fromNode) < position(e.toNode);
    });
}

} // namespace lepton::testing
