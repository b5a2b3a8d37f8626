#include "commands/ungroupcommand.h"

#include "graphdocument.h"

namespace lepton {

UngroupCommand::UngroupCommand(GraphDocument* document, std::string group, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_name(std::move(group))
{
    setText(QObject::tr("Ungroup '%1'").arg(QString::fromStdString(m_name)));
}

void UngroupCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_group = *m_document->group(m_name);
    m_index = m_document->removeGroup(m_name);
}

void UngroupCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->insertGroup(m_index, m_group);
}

} // namespace lepton
