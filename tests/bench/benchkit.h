#pragma once

// What the benchmark programs share: large networks and a timer.

#include "graph/layerregistry.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace lepton::bench {

inline NodeId addLayer(Graph& graph, const std::string& type, nlohmann::json params = {})
{
    const int index = static_cast<int>(graph.nodes().size());
    Node node = LayerRegistry::builtin().makeNode(
        type, graph, {200.0 * (index % 20), 150.0 * (index / 20)});
    for (const auto& [name, value] : params.items())
        node.params[name] = value;
    return graph.addNode(node);
}

inline void connect(Graph& graph, NodeId from, NodeId to, int port = 0)
{
    const Edge edge{from, 0, to, port};
    if (!graph.canConnect(edge, LayerRegistry::builtin()).empty())
        std::abort();
    graph.addEdge(edge);
}

// The layers (type, params) in a chain, each feeding the next.
inline Graph chain(const std::vector<std::pair<std::string, nlohmann::json>>& layers)
{
    Graph graph;
    NodeId previous = 0;
    for (const auto& [type, params] : layers) {
        const NodeId id = addLayer(graph, type, params);
        if (previous != 0)
            connect(graph, previous, id);
        previous = id;
    }
    return graph;
}

// Input, then residual blocks of Linear -> ReLU -> Linear -> Add(skip) ->
// ReLU until `nodes` nodes, then Output; twenty nodes to a row.
inline Graph residualNetwork(int nodes)
{
    Graph graph;
    NodeId previous = addLayer(graph, "Input", {{"shape", {64}}});
    while (static_cast<int>(graph.nodes().size()) + 6 <= nodes) {
        const NodeId fc1 = addLayer(graph, "Linear", {{"out_features", 64}});
        const NodeId relu = addLayer(graph, "ReLU");
        const NodeId fc2 = addLayer(graph, "Linear", {{"out_features", 64}});
        const NodeId add = addLayer(graph, "Add");
        const NodeId out = addLayer(graph, "ReLU");
        connect(graph, previous, fc1);
        connect(graph, fc1, relu);
        connect(graph, relu, fc2);
        connect(graph, previous, add, 0);
        connect(graph, fc2, add, 1);
        connect(graph, add, out);
        previous = out;
    }
    while (static_cast<int>(graph.nodes().size()) + 1 < nodes) {
        const NodeId relu = addLayer(graph, "ReLU");
        connect(graph, previous, relu);
        previous = relu;
    }
    connect(graph, previous, addLayer(graph, "Output"));
    return graph;
}

// Median wall time of `runs` calls, in milliseconds.
inline double medianMs(int runs, const std::function<void()>& work)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
    return times[static_cast<size_t>(runs / 2)];
}

} // namespace lepton::bench
