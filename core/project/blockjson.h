#pragma once

#include "graph/block.h"
#include "project/jsonreader.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace lepton {

class LayerRegistry;

// A block as JSON, in this key order:
//   {"name": "res", "description": "...", "graph": {"nodes": [...], "edges": [...]},
//    "inputs": [{"node": 1, "port": 0}, ...], "outputs": [{"node": 4, "port": 0}]}
// The same form is a project's "blocks" entry and a block library file.
// Throws ProjectError naming the JSON path of the problem, e.g.
// "blocks[0].inputs[1].node: no node 7 in block 'res'".
BlockDefinition blockFromJson(const JsonReader& json, const LayerRegistry& registry);
nlohmann::ordered_json blockToJson(const BlockDefinition& block);

// A project's "blocks" array; names must be unique.
std::vector<BlockDefinition> blocksFromJson(const JsonReader& json, const LayerRegistry& registry);
nlohmann::ordered_json blocksToJson(const std::vector<BlockDefinition>& blocks);

// A project's "groups" array: {"name": "res1", "block": "res", "nodes": [5, 6],
// "collapsed": false}. Every node must exist in `graph` and belong to one
// group at most; a non-empty "block" must name one of `blocks`.
std::vector<NodeGroup> groupsFromJson(const JsonReader& json, const Graph& graph,
                                      const std::vector<BlockDefinition>& blocks);
nlohmann::ordered_json groupsToJson(const std::vector<NodeGroup>& groups);

} // namespace lepton
