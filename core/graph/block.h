#pragma once

#include "graph/graph.h"

#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// An inner port of a block left open for wiring from the outside.
struct BlockPort {
    NodeId node = 0;
    int port = 0;

    bool operator==(const BlockPort& other) const;
};

// A group of layers defined once and reused ("a residual block"). Blocks are
// an editing concept only: an instance is a plain copy of these nodes in the
// project's graph, so the graph the engine trains stays flat and shape
// inference, the engine and the exporters never see a block.
struct BlockDefinition {
    std::string name; // unique within a project or a library
    std::string description;
    // Inner nodes with ids 1..n and positions relative to the top-left corner
    // of the nodes they were made from.
    Graph graph;
    // Input ports that were fed from outside the selection, top to bottom
    // (by position, then id, then port). One outside wire that fed two inner
    // ports (a residual skip) gives two inputs: an editor wires both.
    std::vector<BlockPort> inputs;
    // Output ports that fed the outside, in the same order.
    std::vector<BlockPort> outputs;
};

// Nodes of a project's graph that belong together: an instance of a block,
// or an ad-hoc group. Editors select, move and collapse them as one.
struct NodeGroup {
    std::string name;  // unique among the project's groups: "res1"
    std::string block; // the definition it was stamped from; empty if ad hoc
    std::vector<NodeId> nodes;
    bool collapsed = false;
};

// Where an instance landed: its node ids in the definition's node order, and
// its open ports mapped onto them, in the definition's order.
struct BlockInstance {
    std::vector<NodeId> nodes;
    std::vector<BlockPort> inputs;
    std::vector<BlockPort> outputs;
};

// The selected nodes with the wires between them, as a definition named
// `name`. Throws std::invalid_argument with a readable reason when the name
// or the selection is empty, a node is missing or of an unknown type, the
// selection holds an Input or Output layer, or a path leaves the selection
// and comes back into it (the collapsed block would then be a cycle).
BlockDefinition blockFromSelection(const Graph& graph, const std::vector<NodeId>& selection,
                                   const std::string& name, const LayerRegistry& registry);

// Copies the block's nodes and inner wires into `graph` with fresh ids,
// positions offset by `at`, and the definition's names where they are free,
// else the next free name from the same base ("fc1" becomes "fc3"). Throws std::invalid_argument, leaving
// `graph` untouched, if the definition does not fit the registry.
BlockInstance instantiateBlock(const BlockDefinition& block, Graph& graph, Position at,
                               const LayerRegistry& registry);

enum class PortDirection { Input, Output };

// Empty if `port` can be an open port of `block`: its node exists, has that
// port, and (for an input) no inner wire feeds it already. Otherwise the
// reason, e.g. "no node 7 in block 'res'".
std::string openPortProblem(const BlockDefinition& block, const BlockPort& port,
                            PortDirection direction, const LayerRegistry& registry);

// "res" -> "res1", "res2", ... the first name no group uses.
std::string uniqueGroupName(const std::vector<NodeGroup>& groups, const std::string& base);

// The wires with exactly one end in `group`, in the graph's edge order: what
// a collapsed block still draws.
std::vector<Edge> boundaryEdges(const Graph& graph, const std::vector<NodeId>& group);

} // namespace lepton
