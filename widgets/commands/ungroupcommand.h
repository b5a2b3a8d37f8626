#pragma once

#include "graph/block.h"

#include <QUndoCommand>

#include <string>

namespace lepton {

class GraphDocument;

// Dissolves a group: its layers and wires stay as they are, and so does the
// block definition, ready to be inserted again. Undo puts the group back in
// its place in the list.
class UngroupCommand : public QUndoCommand {
public:
    UngroupCommand(GraphDocument* document, std::string group, QUndoCommand* parent = nullptr);

    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    std::string m_name;
    NodeGroup m_group; // as the last redo found it
    size_t m_index = 0;
};

} // namespace lepton
