#pragma once

#include "graph/graph.h"

#include <string>
#include <vector>

namespace lepton {

class GraphDocument;
class LayerRegistry;

// Edits made of several commands. Each is pushed as one macro, so it is one
// undo step; the commands run one after another, each on the graph the one
// before it left.

// A layer of `type` can sit in a wire: it has an input and an output port.
bool canInsertIntoEdge(const LayerRegistry& registry, const std::string& type);
// Adds a layer of `type` with its top-left at `position` and routes `edge`
// through it (its first input and first output). Returns its id, or 0 when
// the layer cannot sit in a wire or the edge is not in the graph.
// `edge` is a copy: the wire's item goes away while this runs.
NodeId insertLayerIntoEdge(GraphDocument* document, const std::string& type, Edge edge, Position position);

// The wires that re-join the chains `nodes` sit in: for a node with exactly
// one wire in and one out (or a run of such nodes, all in `nodes`), the wire
// from its source to its target. Sorted, without duplicates.
std::vector<Edge> chainBridges(const Graph& graph, const std::vector<NodeId>& nodes);
// Deletes the nodes and edges, then lays each chainBridges() wire that the
// graph accepts once they are gone (ports free, no cycle).
void removeItemsRejoining(GraphDocument* document, const std::vector<NodeId>& nodes,
                          const std::vector<Edge>& edges);

// Moves every node to its place in layeredLayout(); false when all nodes
// are there already (nothing is pushed).
bool autoLayout(GraphDocument* document);

} // namespace lepton
