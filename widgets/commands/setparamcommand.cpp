#include "commands/setparamcommand.h"

#include "commands/commandids.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"

namespace lepton {

SetParamCommand::SetParamCommand(GraphDocument* document, NodeId node, std::string name,
                                 nlohmann::json value, int session, QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_nodeId(node)
    , m_name(std::move(name))
    , m_newValue(std::move(value))
    , m_session(session)
{
    const Node* target = document->graph().node(node);
    setText(QObject::tr("Set %1 of '%2'")
                .arg(QString::fromStdString(m_name),
                     QString::fromStdString(target ? target->name : std::string())));
}

int SetParamCommand::id() const
{
    return int(CommandId::SetParam);
}

bool SetParamCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const SetParamCommand*>(other);
    if (m_session == 0 || next->m_session != m_session || next->m_nodeId != m_nodeId
        || next->m_name != m_name)
        return false;
    // `next` ran on the graph this command left behind, so its dropped edges
    // are ones this command kept: together they are everything the merged
    // step removes, and undo puts back each exactly once.
    m_newValue = next->m_newValue;
    m_droppedEdges.insert(m_droppedEdges.end(), next->m_droppedEdges.begin(),
                          next->m_droppedEdges.end());
    // Back where it started with nothing else to restore: drop the step.
    setObsolete(m_newValue == m_oldValue && m_droppedEdges.empty());
    return true;
}

void SetParamCommand::redo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    if (!m_captured) {
        // The state before the first redo is what undo returns to; later
        // redos start from that same state, so nothing is recomputed.
        const Node* node = m_document->graph().node(m_nodeId);
        if (node) {
            auto it = node->params.find(m_name);
            if (it != node->params.end())
                m_oldValue = *it;
        }
        m_droppedEdges = edgesBeyondPortCount();
        m_captured = true;
    }
    for (const Edge& edge : m_droppedEdges)
        m_document->removeEdge(edge);
    m_document->setParam(m_nodeId, m_name, m_newValue);
}

void SetParamCommand::undo()
{
    const GraphDocument::ShapeBatch batch(m_document);
    m_document->setParam(m_nodeId, m_name, m_oldValue);
    for (const Edge& edge : m_droppedEdges)
        m_document->addEdge(edge);
}

std::vector<Edge> SetParamCommand::edgesBeyondPortCount() const
{
    const Node* node = m_document->graph().node(m_nodeId);
    const LayerSpec* spec = node ? m_document->registry().find(node->type) : nullptr;
    if (!spec || !m_newValue.is_number_integer())
        return {};
    const bool inputs = spec->inputCountParam == m_name;
    const bool outputs = spec->outputCountParam == m_name;
    if (!inputs && !outputs)
        return {};
    const int ports = m_newValue.get<int>();
    std::vector<Edge> beyond;
    for (const Edge& edge : m_document->graph().edgesOf(m_nodeId)) {
        if ((inputs && edge.toNode == m_nodeId && edge.toPort >= ports)
            || (outputs && edge.fromNode == m_nodeId && edge.fromPort >= ports))
            beyond.push_back(edge);
    }
    return beyond;
}

} // namespace lepton
