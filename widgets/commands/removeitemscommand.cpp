#include "commands/removeitemscommand.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"

#include <algorithm>
#include <set>

namespace lepton {

RemoveItemsCommand::RemoveItemsCommand(GraphDocument* document, const std::vector<NodeId>& nodes,
                                       const std::vector<Edge>& edges, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
{
    const Graph& graph = document->graph();
    std::set<Edge> removedEdges;
    for (const Edge& edge : edges) {
        if (graph.hasEdge(edge))
            removedEdges.insert(edge);
    }
    for (const Node& node : graph.nodes()) {
        if (std::find(nodes.begin(), nodes.end(), node.id) == nodes.end())
            continue;
        m_nodes.push_back(node);
        for (const Edge& edge : graph.edgesOf(node.id))
            removedEdges.insert(edge);
    }
    m_edges.assign(removedEdges.begin(), removedEdges.end());

    if (m_nodes.empty() && m_edges.size() == 1)
        setText(QObject::tr("Delete connection"));
    else if (m_nodes.empty())
        setText(QObject::tr("Delete %1 connections").arg(m_edges.size()));
    else if (m_nodes.size() == 1)
        setText(QObject::tr("Delete %1").arg(QString::fromStdString(describeNode(m_nodes.front()))));
    else
        setText(QObject::tr("Delete %1 layers").arg(m_nodes.size()));
}

void RemoveItemsCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    // Removing a node takes it out of its group: keep the groups to restore.
    m_groupsBefore.reset();
    const auto grouped = [this](const Node& node) { return m_document->groupOf(node.id) != nullptr; };
    if (std::any_of(m_nodes.begin(), m_nodes.end(), grouped))
        m_groupsBefore = m_document->groups();
    for (const Edge& edge : m_edges)
        m_document->removeEdge(edge);
    for (const Node& node : m_nodes)
        m_document->removeNode(node.id);
}

void RemoveItemsCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    for (const Node& node : m_nodes)
        m_document->insertNode(node);
    for (const Edge& edge : m_edges)
        m_document->addEdge(edge);
    if (m_groupsBefore)
        m_document->setGroups(*m_groupsBefore);
}

} // namespace lepton
