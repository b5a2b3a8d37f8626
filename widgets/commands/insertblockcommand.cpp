#include "commands/insertblockcommand.h"

#include "graphdocument.h"
#include "project/blockjson.h"

#include <set>

namespace lepton {

InsertBlockCommand::InsertBlockCommand(GraphDocument* document, const BlockDefinition& block,
                                       Position topLeft, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
{
    setText(QObject::tr("Insert Block '%1'").arg(QString::fromStdString(block.name)));
    // The project's own block of this name if it is the same block, else
    // the first name that is free or holds the same block.
    for (int n = 1;; ++n) {
        m_block = block;
        if (n > 1)
            m_block.name += std::to_string(n);
        const BlockDefinition* existing = document->block(m_block.name);
        m_addsBlock = existing == nullptr;
        if (m_addsBlock || blockToJson(*existing) == blockToJson(m_block))
            break;
    }

    // Stamped on a copy of the graph: the ids drawn there are the ones the
    // document gives out next, so redo inserts exactly these nodes.
    Graph scratch = document->graph();
    try {
        m_instance = instantiateBlock(m_block, scratch, topLeft, document->registry());
    } catch (const std::exception& error) {
        m_problem = QString::fromStdString(error.what());
        return;
    }
    const std::set<NodeId> added(m_instance.nodes.begin(), m_instance.nodes.end());
    for (NodeId id : m_instance.nodes)
        m_nodes.push_back(*scratch.node(id));
    for (const Edge& edge : scratch.edges()) {
        if (added.count(edge.fromNode))
            m_edges.push_back(edge);
    }
    m_group = {uniqueGroupName(document->groups(), m_block.name), m_block.name, m_instance.nodes, false};
}

void InsertBlockCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    if (m_addsBlock)
        m_document->addBlock(m_block);
    for (const Node& node : m_nodes)
        m_document->insertNode(node);
    for (const Edge& edge : m_edges)
        m_document->addEdge(edge);
    m_document->insertGroup(m_document->groups().size(), m_group);
}

void InsertBlockCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->removeGroup(m_group.name);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_document->removeNode(it->id);
    if (m_addsBlock)
        m_document->removeBlock(m_block.name);
}

} // namespace lepton
