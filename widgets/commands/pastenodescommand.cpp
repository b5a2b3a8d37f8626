#include "commands/pastenodescommand.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"

#include <cctype>
#include <cmath>
#include <map>

namespace lepton {

namespace {

// "fc12" -> "fc", the base Graph::uniqueName numbers from.
std::string nameBase(const std::string& name)
{
    size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1])))
        --end;
    return end == 0 ? name : name.substr(0, end);
}

} // namespace

PasteNodesCommand::PasteNodesCommand(GraphDocument* document, GraphFragment fragment, Position offset,
                                     QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_nodes(std::move(fragment.nodes))
    , m_edges(std::move(fragment.edges))
{
    // Names are settled against the graph plus the nodes pasted before them.
    Graph names = document->graph();
    for (Node& node : m_nodes) {
        if (names.nodeByName(node.name))
            node.name = names.uniqueName(nameBase(node.name));
        node.position = {std::round(node.position.x + offset.x), std::round(node.position.y + offset.y)};
        Node placeholder = node;
        placeholder.id = 0;
        names.addNode(placeholder);
    }
    if (m_nodes.size() == 1)
        setText(QObject::tr("Paste %1").arg(QString::fromStdString(describeNode(m_nodes.front()))));
    else
        setText(QObject::tr("Paste %1 layers").arg(m_nodes.size()));
}

std::vector<NodeId> PasteNodesCommand::nodeIds() const
{
    std::vector<NodeId> ids;
    for (const Node& node : m_nodes)
        ids.push_back(node.id);
    return ids;
}

void PasteNodesCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    if (m_added) {
        for (const Node& node : m_nodes)
            m_document->insertNode(node);
        for (const Edge& edge : m_edges)
            m_document->addEdge(edge);
        return;
    }
    // First run: draw fresh ids, then keep the edges the graph accepts,
    // renumbered, so later redos replay exactly this.
    std::map<NodeId, NodeId> newIds;
    for (Node& node : m_nodes) {
        const NodeId old = node.id;
        node.id = 0;
        node.id = m_document->insertNode(node);
        newIds[old] = node.id;
    }
    std::vector<Edge> added;
    for (const Edge& edge : m_edges) {
        const Edge renumbered{newIds.at(edge.fromNode), edge.fromPort, newIds.at(edge.toNode), edge.toPort};
        const bool free = !m_document->graph().edgeInto(renumbered.toNode, renumbered.toPort);
        if (free && m_document->connectionProblem(renumbered).empty()) {
            m_document->addEdge(renumbered);
            added.push_back(renumbered);
        }
    }
    m_edges = std::move(added);
    m_added = true;
}

void PasteNodesCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_document->removeNode(it->id);
}

} // namespace lepton
