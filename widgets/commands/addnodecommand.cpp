#include "commands/addnodecommand.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"

namespace lepton {

AddNodeCommand::AddNodeCommand(GraphDocument* document, const std::string& type, Position position,
                               QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_node(document->registry().makeNode(type, document->graph(), position))
{
    setText(QObject::tr("Add %1").arg(QString::fromStdString(describeNode(m_node))));
}

void AddNodeCommand::redo()
{
    // The first redo draws a fresh id; later ones restore the same id.
    m_node.id = m_document->insertNode(m_node);
}

void AddNodeCommand::undo()
{
    m_document->removeNode(m_node.id);
}

} // namespace lepton
