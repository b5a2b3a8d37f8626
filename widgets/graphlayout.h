#pragma once

#include "graph/graph.h"

#include <functional>
#include <map>

namespace lepton {

// Node extents the layout keeps apart.
struct LayoutMetrics {
    double nodeWidth = 0;
    std::function<double(const Node&)> nodeHeight;
    double columnGap = 96;
    double rowGap = 40;
};

// A left-to-right layered drawing of any DAG (Sugiyama style): longest-path
// layers become columns, so every edge runs rightwards; edges spanning
// several columns get a lane through each; barycentric sweeps order each
// column to reduce crossings; each node then lines up with the median of its
// predecessors where it fits. Positions are whole numbers and the drawing
// keeps the old one's top-left corner.
std::map<NodeId, Position> layeredLayout(const Graph& graph, const LayoutMetrics& metrics);

} // namespace lepton
