// Prints how fast the editor's core work is on large graphs: shape inference
// over a 1,000-node network, and one edit (a parameter change or a new wire,
// checked and re-inferred) on a 500-node network. Figures, never assertions.
//
//     build/bin/bench_graph

#include "graph/layerregistry.h"
#include "graph/shapeinference.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace lepton;

namespace {

const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
}

NodeId addLayer(Graph& graph, const std::string& type, nlohmann::json params = {})
{
    Node node = registry().makeNode(type, graph);
    for (const auto& [name, value] : params.items())
        node.params[name] = value;
    return graph.addNode(node);
}

void connect(Graph& graph, NodeId from, NodeId to, int port = 0)
{
    const Edge edge{from, 0, to, port};
    if (!graph.canConnect(edge, registry()).empty())
        std::abort();
    graph.addEdge(edge);
}

// Input, then residual blocks of Linear -> ReLU -> Linear -> Add(skip) -> ReLU
// (five nodes each) until `nodes` nodes, then Output.
Graph residualNetwork(int nodes)
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
double medianMs(int runs, const std::function<void()>& work)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
    return times[static_cast<size_t>(runs / 2)];
}

} // namespace

int main()
{
    for (int nodes : {500, 1000, 5000}) {
        Graph graph = residualNetwork(nodes);
        const double infer = medianMs(21, [&] {
            if (!inferShapes(graph, registry()).ok())
                std::abort();
        });
        std::printf("shape inference, %5d nodes, %5zu edges: %8.3f ms\n", nodes,
                    graph.edges().size(), infer);
    }

    Graph graph = residualNetwork(500);
    const NodeId first = graph.nodes()[1].id; // the first Linear
    int width = 64;
    const double paramEdit = medianMs(21, [&] {
        graph.node(first)->params["out_features"] = width = width == 64 ? 65 : 64;
        inferShapes(graph, registry());
    });
    const NodeId last = graph.nodes().back().id; // the Output
    const Edge wire = *graph.edgeInto(last, 0);
    const double rewire = medianMs(21, [&] {
        graph.removeEdge(wire);
        if (!graph.canConnect(wire, registry()).empty())
            std::abort();
        graph.addEdge(wire);
        inferShapes(graph, registry());
    });
    std::printf("edit on 500 nodes: parameter change %.3f ms, rewire (check + connect) %.3f ms\n",
                paramEdit, rewire);
    return 0;
}
