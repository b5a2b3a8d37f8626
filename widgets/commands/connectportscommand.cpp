#include "commands/connectportscommand.h"

#include "graphdocument.h"

namespace lepton {

ConnectPortsCommand::ConnectPortsCommand(GraphDocument* document, const Edge& edge, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_edge(edge)
    , m_replaced(document->graph().edgeInto(edge.toNode, edge.toPort))
{
    const Graph& graph = document->graph();
    const Node* from = graph.node(edge.fromNode);
    const Node* to = graph.node(edge.toNode);
    setText(QObject::tr("Connect '%1' to '%2'")
                .arg(QString::fromStdString(from ? from->name : std::string()),
                     QString::fromStdString(to ? to->name : std::string())));
}

void ConnectPortsCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    if (m_replaced)
        m_document->removeEdge(*m_replaced);
    m_document->addEdge(m_edge);
}

void ConnectPortsCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->removeEdge(m_edge);
    if (m_replaced)
        m_document->addEdge(*m_replaced);
}

} // namespace lepton
