#pragma once

#include "graph/graph.h"

#include <nlohmann/json.hpp>

#include <QUndoCommand>

#include <string>
#include <vector>

namespace lepton {

class GraphDocument;

// Changes one parameter of one node. Edits of the same parameter made in one
// edit session (ParamEditor: while its editor keeps the focus) merge into
// one undo step; session 0 never merges. Lowering a port count
// parameter (Add/Concat "inputs", Split "parts") drops the wires of the vanished ports;
// undo restores them.
//
// The old value and the dropped edges are taken once, from the graph as the
// first redo() finds it, and never recomputed: redo and undo then replay
// exactly the same change however often they run. A merged command drops
// the edges of both steps (the second step's are disjoint from the first's,
// since the first already removed its own), so it stays exact too.
class SetParamCommand : public QUndoCommand {
public:
    SetParamCommand(GraphDocument* document, NodeId node, std::string name, nlohmann::json value,
                    int session = 0, QUndoCommand* parent = nullptr);

    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;
    void redo() override;
    void undo() override;

private:
    std::vector<Edge> edgesBeyondPortCount() const;

    GraphDocument* m_document;
    NodeId m_nodeId;
    std::string m_name;
    nlohmann::json m_oldValue; // null when the param was absent (default applied)
    nlohmann::json m_newValue;
    std::vector<Edge> m_droppedEdges;
    bool m_captured = false; // m_oldValue and m_droppedEdges taken
    int m_session;
};

} // namespace lepton
