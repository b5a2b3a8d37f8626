#pragma once

#include <QUndoCommand>

#include <string>

namespace lepton {

class GraphDocument;

// Collapses a group into one block on the canvas, or expands it again. The
// state is saved with the project, so it is an edit like any other.
class SetGroupCollapsedCommand : public QUndoCommand {
public:
    SetGroupCollapsedCommand(GraphDocument* document, std::string group, bool collapsed,
                             QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    std::string m_group;
    bool m_collapsed;
};

} // namespace lepton
