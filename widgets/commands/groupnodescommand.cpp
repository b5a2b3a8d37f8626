#include "commands/groupnodescommand.h"

#include "graphdocument.h"

#include <algorithm>

namespace lepton {

GroupNodesCommand::GroupNodesCommand(GraphDocument* document, BlockDefinition block,
                                     std::vector<NodeId> nodes, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_block(std::move(block))
{
    // In id order, as blockFromSelection numbers the definition's nodes: a
    // group's n-th node is its block's n-th.
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    m_group = {uniqueGroupName(document->groups(), m_block.name), m_block.name, std::move(nodes), false};
    setText(QObject::tr("Group as Block '%1'").arg(QString::fromStdString(m_block.name)));
}

void GroupNodesCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->addBlock(m_block);
    m_document->insertGroup(m_document->groups().size(), m_group);
}

void GroupNodesCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->removeGroup(m_group.name);
    m_document->removeBlock(m_block.name);
}

} // namespace lepton
