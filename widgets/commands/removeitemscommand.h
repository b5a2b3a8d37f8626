#pragma once

#include "graph/block.h"
#include "graph/graph.h"

#include <QUndoCommand>

#include <optional>
#include <vector>

namespace lepton {

class GraphDocument;

// Deletes nodes (with every edge touching them) and edges. Keeps copies of
// all it removed, so undo restores the same ids, params and connections,
// and the groups as they were (a removed node leaves its group).
class RemoveItemsCommand : public QUndoCommand {
public:
    RemoveItemsCommand(GraphDocument* document, const std::vector<NodeId>& nodes,
                       const std::vector<Edge>& edges, QUndoCommand* parent = nullptr);

    bool isEmpty() const { return m_nodes.empty() && m_edges.empty(); }

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    std::vector<Node> m_nodes; // in graph order
    std::vector<Edge> m_edges; // sorted, without duplicates
    // The groups before the last redo, if it took nodes out of one.
    std::optional<std::vector<NodeGroup>> m_groupsBefore;
};

} // namespace lepton
