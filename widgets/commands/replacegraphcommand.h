#pragma once

#include "graph/graph.h"
#include "project/project.h"

#include <QUndoCommand>

#include <vector>

namespace lepton {

class GraphDocument;

// Puts another whole graph in the editor (a recorded run's, say) as one undo
// step: undo brings back every node, wire and group as they were.
class ReplaceGraphCommand : public QUndoCommand {
public:
    ReplaceGraphCommand(GraphDocument* document, Graph graph, const QString& text, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    void show(const Graph& graph);

    GraphDocument* m_document;
    Graph m_old;
    std::vector<NodeGroup> m_oldGroups;
    Graph m_new;
};

} // namespace lepton
