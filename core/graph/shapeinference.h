#pragma once

#include "graph/graph.h"
#include "graph/shape.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// Where a node stands after inference: editors draw an open input
// differently from a real mismatch.
enum class NodeStatus {
    Resolved,     // shapes known
    NotConnected, // an input port has no wire (error says which)
    Invalid,      // its own problem: a mismatch, a bad param, an unknown type
    Blocked,      // waits on an upstream node that could not be resolved
};

struct NodeShapes {
    NodeStatus status = NodeStatus::Blocked;
    std::vector<TensorType> inputs;  // one per input port, empty shape if unknown
    std::vector<TensorType> outputs; // empty if the node could not be resolved
    std::string error;               // this node's own problem, full sentence
    int64_t parameters = 0;          // weights it learns, once resolved
    int64_t macs = 0;                // multiply-adds per sample, once resolved
    // Once resolved: every parameter, defaults filled in and inferred values
    // ("in_features": 784) in place of "0 means infer".
    nlohmann::json params;

    bool resolved() const { return !params.is_null(); }
};

struct ShapeReport {
    std::map<NodeId, NodeShapes> nodes;
    // Topological order of all nodes; empty when the graph has a cycle.
    std::vector<NodeId> order;
    // Every problem, each naming its layer: mismatches, unknown types, bad
    // params, unconnected inputs, cycles. Nodes downstream of a failed node
    // are left unresolved without repeating the error.
    std::vector<std::string> errors;

    bool ok() const { return errors.empty(); }
};

// Never throws on user input; all problems land in ShapeReport::errors.
ShapeReport inferShapes(const Graph& graph, const LayerRegistry& registry);

} // namespace lepton
