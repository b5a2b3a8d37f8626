#pragma once

#include "graph/graph.h"

#include <QUndoCommand>

#include <string>

namespace lepton {

class GraphDocument;

// Adds one layer with default params and a fresh unique name.
class AddNodeCommand : public QUndoCommand {
public:
    AddNodeCommand(GraphDocument* document, const std::string& type, Position position,
                   QUndoCommand* parent = nullptr);

    // The new node's id; valid once the command has been pushed.
    NodeId nodeId() const { return m_node.id; }

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    Node m_node;
};

} // namespace lepton
