#pragma once

#include "graphfragment.h"

#include <QUndoCommand>

#include <vector>

namespace lepton {

class GraphDocument;

// Adds a fragment (pasted or duplicated): each node gets a fresh id, keeps
// its name where it is free and otherwise gets a new unique one, and moves
// by `offset`; the fragment's edges join the new nodes. Edges the graph
// refuses (a port the layer lacks) are left out. Undo removes it all; redo
// restores the same ids.
class PasteNodesCommand : public QUndoCommand {
public:
    PasteNodesCommand(GraphDocument* document, GraphFragment fragment, Position offset,
                      QUndoCommand* parent = nullptr);

    // Ids of the added nodes; valid once the command has been pushed.
    std::vector<NodeId> nodeIds() const;

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    std::vector<Node> m_nodes; // ids 0 until the first redo
    std::vector<Edge> m_edges; // between fragment ids, then between new ids
    bool m_added = false;
};

} // namespace lepton
