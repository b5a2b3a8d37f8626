#pragma once

#include "graph/block.h"

#include <QUndoCommand>

namespace lepton {

class GraphDocument;

// Makes nodes one block: adds its definition to the project's blocks and a
// group over the nodes, named after the block ("res" -> group "res1"). The
// caller made `block` from the nodes with blockFromSelection and checked that
// its name is free and that no node is in a group yet.
class GroupNodesCommand : public QUndoCommand {
public:
    GroupNodesCommand(GraphDocument* document, BlockDefinition block, std::vector<NodeId> nodes,
                      QUndoCommand* parent = nullptr);

    const NodeGroup& group() const { return m_group; }

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    BlockDefinition m_block;
    NodeGroup m_group;
};

} // namespace lepton
