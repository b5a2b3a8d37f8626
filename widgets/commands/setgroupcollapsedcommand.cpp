#include "commands/setgroupcollapsedcommand.h"

#include "graphdocument.h"

namespace lepton {

SetGroupCollapsedCommand::SetGroupCollapsedCommand(GraphDocument* document, std::string group,
                                                   bool collapsed, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_group(std::move(group))
    , m_collapsed(collapsed)
{
    const QString name = QString::fromStdString(m_group);
    setText(collapsed ? QObject::tr("Collapse '%1'").arg(name) : QObject::tr("Expand '%1'").arg(name));
}

void SetGroupCollapsedCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->setGroupCollapsed(m_group, m_collapsed);
}

void SetGroupCollapsedCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->setGroupCollapsed(m_group, !m_collapsed);
}

} // namespace lepton
