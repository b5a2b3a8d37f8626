#pragma once

#include "graph/graph.h"

#include <QString>

#include <optional>
#include <vector>

class QMimeData;

namespace lepton {

class LayerRegistry;

// Clipboard payload: a fragment as UTF-8 JSON in the file's graph form
// ({"nodes": [...], "edges": [...]}), so it also travels between windows.
inline constexpr char kGraphMimeType[] = "application/x-lepton-graph+json";

// Some nodes of a graph, with their params and positions, and the edges
// among them. Ids are those of the source graph; pasting draws fresh ones.
struct GraphFragment {
    std::vector<Node> nodes;
    std::vector<Edge> edges;

    bool empty() const { return nodes.empty(); }
};

// The listed nodes of `graph` and every edge that joins two of them.
GraphFragment copyFragment(const Graph& graph, const std::vector<NodeId>& nodes);

QMimeData* fragmentToMimeData(const GraphFragment& fragment);
// The fragment in `mime`, keeping only what the registry accepts (known
// layer types, valid params, edges between listed nodes); nothing when
// `mime` holds no usable fragment. Foreign or damaged data never throws.
std::optional<GraphFragment> fragmentFromMimeData(const QMimeData* mime, const LayerRegistry& registry);

} // namespace lepton
