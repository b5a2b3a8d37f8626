#include "commands/movenodescommand.h"

#include "commands/commandids.h"
#include "graphdocument.h"

#include <algorithm>

namespace lepton {

MoveNodesCommand::MoveNodesCommand(GraphDocument* document, std::vector<NodeMove> moves, Kind kind,
                                   QUndoCommand* parent)
    : QUndoCommand(parent)
    , m_document(document)
    , m_moves(std::move(moves))
    , m_kind(kind)
{
    std::sort(m_moves.begin(), m_moves.end(),
              [](const NodeMove& a, const NodeMove& b) { return a.id < b.id; });
    const Node* node = m_moves.size() == 1 ? document->graph().node(m_moves.front().id) : nullptr;
    if (node)
        setText(QObject::tr("Move '%1'").arg(QString::fromStdString(node->name)));
    else
        setText(QObject::tr("Move %1 layers").arg(m_moves.size()));
}

int MoveNodesCommand::id() const
{
    return m_kind == Kind::Nudge ? int(CommandId::MoveNodes) : -1;
}

bool MoveNodesCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const MoveNodesCommand*>(other);
    const bool sameNodes = std::equal(
        m_moves.begin(), m_moves.end(), next->m_moves.begin(), next->m_moves.end(),
        [](const NodeMove& a, const NodeMove& b) { return a.id == b.id; });
    if (!sameNodes)
        return false;
    for (size_t i = 0; i < m_moves.size(); ++i)
        m_moves[i].to = next->m_moves[i].to;
    return true;
}

void MoveNodesCommand::redo()
{
    for (const NodeMove& move : m_moves)
        m_document->setNodePosition(move.id, move.to);
}

void MoveNodesCommand::undo()
{
    for (const NodeMove& move : m_moves)
        m_document->setNodePosition(move.id, move.from);
}

} // namespace lepton
