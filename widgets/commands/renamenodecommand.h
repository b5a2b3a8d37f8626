#pragma once

#include "graph/graph.h"

#include <QUndoCommand>

#include <string>

namespace lepton {

class GraphDocument;

// Renames a node; the caller has checked that the name is free.
class RenameNodeCommand : public QUndoCommand {
public:
    RenameNodeCommand(GraphDocument* document, NodeId node, std::string name,
                      QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    NodeId m_nodeId;
    std::string m_oldName;
    std::string m_newName;
};

} // namespace lepton
