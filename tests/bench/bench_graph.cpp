// Prints how fast the editor's core work is on large graphs: shape inference
// over a 1,000-node network, and one edit (a parameter change or a new wire,
// checked and re-inferred) on a 500-node network. Figures, never assertions.
//
//     build/bin/bench_graph

#include "benchkit.h"
#include "graph/shapeinference.h"

#include <cstdio>

using namespace lepton;
using lepton::bench::medianMs;
using lepton::bench::residualNetwork;

namespace {

const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
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
