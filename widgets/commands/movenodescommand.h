#pragma once

#include "graph/graph.h"

#include <QUndoCommand>

#include <vector>

namespace lepton {

class GraphDocument;

struct NodeMove {
    NodeId id = 0;
    Position from;
    Position to;
};

// Moves nodes. A mouse drag is pushed once, on release, and is one undo step;
// consecutive arrow-key nudges of the same nodes merge into one step.
class MoveNodesCommand : public QUndoCommand {
public:
    enum class Kind { Drag, Nudge };

    MoveNodesCommand(GraphDocument* document, std::vector<NodeMove> moves, Kind kind,
                     QUndoCommand* parent = nullptr);

    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    std::vector<NodeMove> m_moves; // sorted by id
    Kind m_kind;
};

} // namespace lepton
