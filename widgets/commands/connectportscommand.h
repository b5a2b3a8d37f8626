#pragma once

#include "graph/graph.h"

#include <QUndoCommand>

#include <optional>

namespace lepton {

class GraphDocument;

// Adds an edge the document has accepted (GraphDocument::connectionProblem).
// An input port takes one edge: one already there is replaced, and undo
// puts it back.
class ConnectPortsCommand : public QUndoCommand {
public:
    ConnectPortsCommand(GraphDocument* document, const Edge& edge, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    Edge m_edge;
    std::optional<Edge> m_replaced;
};

} // namespace lepton
