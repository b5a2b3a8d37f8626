#pragma once

#include "graph/block.h"

#include <QString>
#include <QUndoCommand>

#include <vector>

namespace lepton {

class GraphDocument;

// Stamps a copy of a block with its top-left at a position: the block's
// layers and inner wires with fresh ids and free names, and a group over
// them. A definition the project lacks (one from the user library) joins the
// project's blocks; if the project has a different block of that name, the
// copy joins as "res2" (or the first such name that holds this very block).
class InsertBlockCommand : public QUndoCommand {
public:
    InsertBlockCommand(GraphDocument* document, const BlockDefinition& block, Position topLeft,
                       QUndoCommand* parent = nullptr);

    // Why the block cannot be inserted (a layer this build does not know, a
    // bad parameter); push the command only while this is empty.
    const QString& problem() const { return m_problem; }
    const NodeGroup& group() const { return m_group; }
    // Its nodes and open ports, in the definition's order, by graph id.
    const BlockInstance& instance() const { return m_instance; }

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    BlockDefinition m_block;
    bool m_addsBlock = false;
    QString m_problem;
    BlockInstance m_instance;
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
    NodeGroup m_group;
};

} // namespace lepton
