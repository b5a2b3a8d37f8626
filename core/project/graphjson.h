#pragma once

#include "graph/graph.h"
#include "project/jsonreader.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace lepton {

class LayerRegistry;

// {"nodes": [...], "edges": [...]}: a project's network and each block's
// inner graph share this form. Throws ProjectError naming the JSON path for
// unknown layer types, bad params, duplicate ids or names, and edges a
// Graph::canConnect would refuse (missing nodes or ports, cycles).
Graph graphFromJson(const JsonReader& json, const LayerRegistry& registry);
// Nodes in id order, edges in Edge order: stable, so saved files diff cleanly.
nlohmann::ordered_json graphToJson(const Graph& graph);

// {"node": id, "port": n}: an edge's end, or a block's open port.
std::pair<NodeId, int> endpointFromJson(const JsonReader& json);
nlohmann::ordered_json endpointToJson(NodeId node, int port);

} // namespace lepton
