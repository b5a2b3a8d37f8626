#include "commands/replacegraphcommand.h"

#include "graphdocument.h"

namespace lepton {

ReplaceGraphCommand::ReplaceGraphCommand(GraphDocument* document, Graph graph, const QString& text,
                                         QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_document(document)
    , m_old(document->graph())
    , m_oldGroups(document->groups())
    , m_new(std::move(graph))
{
}

void ReplaceGraphCommand::show(const Graph& graph)
{
    std::vector<NodeId> present;
    for (const Node& node : m_document->graph().nodes())
        present.push_back(node.id);
    for (NodeId id : present)
        m_document->removeNode(id); // its wires and group membership go with it
    for (const Node& node : graph.nodes())
        m_document->insertNode(node);
    for (const Edge& edge : graph.edges())
        m_document->addEdge(edge);
}

void ReplaceGraphCommand::redo()
{
    show(m_new);
}

void ReplaceGraphCommand::undo()
{
    show(m_old);
    m_document->setGroups(m_oldGroups);
}

} // namespace lepton
