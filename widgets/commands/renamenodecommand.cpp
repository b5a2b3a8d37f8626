#include "commands/renamenodecommand.h"

#include "graphdocument.h"

namespace lepton {

RenameNodeCommand::RenameNodeCommand(GraphDocument* document, NodeId node, std::string name,
                                     QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_nodeId(node)
    , m_newName(std::move(name))
{
    if (const Node* target = document->graph().node(node))
        m_oldName = target->name;
    setText(QObject::tr("Rename '%1' to '%2'")
                .arg(QString::fromStdString(m_oldName), QString::fromStdString(m_newName)));
}

void RenameNodeCommand::redo()
{
    m_document->renameNode(m_nodeId, m_newName);
}

void RenameNodeCommand::undo()
{
    m_document->renameNode(m_nodeId, m_oldName);
}

} // namespace lepton
