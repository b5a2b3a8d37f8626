#pragma once

#include "graph/block.h"

#include <vector>

namespace lepton {

class LayerRegistry;

// The ports a collapsed group shows, as ports of its nodes in the graph.
struct GroupPorts {
    std::vector<BlockPort> inputs;
    std::vector<BlockPort> outputs;
};

// First the open ports of the group's block, in the definition's order, while
// the group still holds the block's layers (its n-th node is the block's n-th
// and of the same type; a port a parameter change removed is left out); then
// every other port a wire crossing the group's edge uses, top to bottom.
// `block` may be nullptr (a plain group): then only the crossing wires count.
GroupPorts groupPorts(const Graph& graph, const NodeGroup& group, const BlockDefinition* block,
                      const LayerRegistry& registry);

} // namespace lepton
