#include "graphscene.h"

#include "blocks/blockitem.h"
#include "blocks/groupframeitem.h"
#include "commands/connectportscommand.h"
#include "commands/insertblockcommand.h"
#include "commands/movenodescommand.h"
#include "commands/removeitemscommand.h"
#include "commands/setgroupcollapsedcommand.h"
#include "edgeitem.h"
#include "graphdocument.h"
#include "layerstyle.h"
#include "nodeitem.h"
#include "portitem.h"

#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <memory>

namespace lepton {

namespace {

constexpr qreal kSceneMargin = 1200.0; // room to pan around the graph
constexpr qreal kNudgeStep = 10.0;
constexpr qreal kLargeNudgeStep = 50.0;

} // namespace

GraphScene::GraphScene(GraphDocument* document, QObject* parent)
    : QGraphicsScene(parent)
    , m_document(document)
{
    connect(document, &GraphDocument::projectReplaced, this, &GraphScene::rebuild);
    connect(document, &GraphDocument::nodeAdded, this, &GraphScene::addNodeItem);
    connect(document, &GraphDocument::nodeRemoved, this, &GraphScene::removeNodeItem);
    connect(document, &GraphDocument::nodeMoved, this, &GraphScene::moveNodeItem);
    connect(document, &GraphDocument::nodeChanged, this, &GraphScene::refreshNodeItem);
    connect(document, &GraphDocument::edgeAdded, this, &GraphScene::addEdgeItem);
    connect(document, &GraphDocument::edgeRemoved, this, &GraphScene::removeEdgeItem);
    connect(document, &GraphDocument::shapesChanged, this, &GraphScene::refreshShapes);
    connect(document, &GraphDocument::groupsChanged, this, &GraphScene::syncGroups);
    rebuild();
}

NodeItem* GraphScene::nodeItem(NodeId id) const
{
    auto it = m_nodes.find(id);
    return it == m_nodes.end() ? nullptr : it->second;
}

EdgeItem* GraphScene::edgeItem(const Edge& edge) const
{
    auto it = m_edges.find(edge);
    return it == m_edges.end() ? nullptr : it->second;
}

GroupFrameItem* GraphScene::frameItem(const std::string& group) const
{
    auto it = m_frames.find(group);
    return it == m_frames.end() ? nullptr : it->second;
}

BlockItem* GraphScene::blockItem(const std::string& group) const
{
    auto it = m_blocks.find(group);
    return it == m_blocks.end() ? nullptr : it->second;
}

PortItem* GraphScene::portItem(NodeId node, PortItem::Direction direction, int port) const
{
    const bool input = direction == PortItem::Direction::Input;
    if (const BlockItem* block = collapsedBlockOf(node))
        return input ? block->inputPort(node, port) : block->outputPort(node, port);
    const NodeItem* item = nodeItem(node);
    if (!item)
        return nullptr;
    return input ? item->inputPort(port) : item->outputPort(port);
}

std::vector<NodeId> GraphScene::selectedNodeIds() const
{
    std::vector<NodeId> ids;
    for (QGraphicsItem* item : selectedItems()) {
        if (auto* node = qgraphicsitem_cast<NodeItem*>(item))
            ids.push_back(node->nodeId());
        if (auto* block = qgraphicsitem_cast<BlockItem*>(item)) {
            if (const NodeGroup* group = m_document->group(block->groupName()))
                ids.insert(ids.end(), group->nodes.begin(), group->nodes.end());
        }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::vector<Edge> GraphScene::selectedEdges() const
{
    std::vector<Edge> edges;
    for (QGraphicsItem* item : selectedItems()) {
        if (auto* edge = qgraphicsitem_cast<EdgeItem*>(item))
            edges.push_back(edge->edge());
    }
    return edges;
}

void GraphScene::selectOnly(NodeId id)
{
    selectNodes({id});
}

void GraphScene::selectNodes(const std::vector<NodeId>& ids)
{
    clearSelection();
    for (NodeId id : ids) {
        if (BlockItem* block = collapsedBlockOf(id))
            block->setSelected(true);
        else if (NodeItem* item = nodeItem(id))
            item->setSelected(true);
    }
}

void GraphScene::selectGroup(const std::string& group)
{
    if (const NodeGroup* found = m_document->group(group))
        selectNodes(found->nodes);
}

NodeItem* GraphScene::nodeItemAt(QPointF scenePos) const
{
    for (QGraphicsItem* item : items(scenePos)) {
        if (auto* port = qgraphicsitem_cast<PortItem*>(item))
            return qgraphicsitem_cast<NodeItem*>(port->parentItem());
        if (auto* node = qgraphicsitem_cast<NodeItem*>(item))
            return node;
    }
    return nullptr;
}

EdgeItem* GraphScene::edgeItemAt(QPointF scenePos) const
{
    for (QGraphicsItem* item : items(scenePos)) {
        if (auto* edge = qgraphicsitem_cast<EdgeItem*>(item))
            return edge;
    }
    return nullptr;
}

BlockItem* GraphScene::blockItemAt(QPointF scenePos) const
{
    for (QGraphicsItem* item : items(scenePos)) {
        if (auto* port = qgraphicsitem_cast<PortItem*>(item))
            item = port->parentItem();
        if (auto* block = qgraphicsitem_cast<BlockItem*>(item))
            return block;
    }
    return nullptr;
}

GroupFrameItem* GraphScene::frameItemAt(QPointF scenePos) const
{
    for (QGraphicsItem* item : items(scenePos)) {
        if (auto* frame = qgraphicsitem_cast<GroupFrameItem*>(item))
            return frame;
    }
    return nullptr;
}

void GraphScene::setSnapToGrid(bool snap)
{
    m_snapToGrid = snap;
}

QPointF GraphScene::dragPosition(QPointF proposed) const
{
    if (!m_draggingNodes || m_movingMembers)
        return proposed;
    const qreal step = m_snapToGrid ? kGridStep : 1.0;
    return {std::round(proposed.x() / step) * step, std::round(proposed.y() / step) * step};
}

QString GraphScene::connectPorts(const Edge& edge)
{
    const std::string problem = m_document->connectionProblem(edge);
    if (!problem.empty()) {
        const QString reason = QString::fromStdString(problem);
        Q_EMIT statusMessage(tr("Cannot connect: %1").arg(reason));
        return reason;
    }
    m_document->undoStack()->push(new ConnectPortsCommand(m_document, edge));
    return {};
}

void GraphScene::deleteSelection()
{
    auto command = std::make_unique<RemoveItemsCommand>(m_document, selectedNodeIds(), selectedEdges());
    if (!command->isEmpty())
        m_document->undoStack()->push(command.release());
}

void GraphScene::setGroupCollapsed(const std::string& group, bool collapsed)
{
    const NodeGroup* found = m_document->group(group);
    if (found && found->collapsed != collapsed)
        m_document->undoStack()->push(new SetGroupCollapsedCommand(m_document, group, collapsed));
}

QString GraphScene::insertBlock(const BlockDefinition& block, QPointF topLeft)
{
    auto command = std::make_unique<InsertBlockCommand>(
        m_document, block, Position{std::round(topLeft.x()), std::round(topLeft.y())});
    if (!command->problem().isEmpty()) {
        Q_EMIT statusMessage(tr("Cannot insert block '%1': %2")
                                 .arg(QString::fromStdString(block.name), command->problem()));
        return command->problem();
    }
    const std::vector<NodeId> nodes = command->instance().nodes;
    m_document->undoStack()->push(command.release());
    selectNodes(nodes);
    return {};
}

void GraphScene::nodeItemMoved(NodeId id)
{
    for (const auto& [edge, item] : m_edges) {
        if (edge.fromNode == id || edge.toNode == id)
            placeEdge(item);
    }
    const NodeGroup* group = m_document->groupOf(id);
    if (GroupFrameItem* frame = group ? frameItem(group->name) : nullptr)
        frame->setMembersRect(membersRect(*group));
}

void GraphScene::blockItemMoved(const std::string& group, QPointF delta)
{
    const NodeGroup* found = m_document->group(group);
    if (!found)
        return;
    m_movingMembers = true;
    for (NodeId id : found->nodes) {
        if (NodeItem* item = nodeItem(id))
            item->setPos(item->pos() + delta);
    }
    m_movingMembers = false;
}

void GraphScene::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && !m_wireStart) {
        if (PortItem* port = portAt(event->scenePos())) {
            m_wireStart = port;
            m_wire = addPath(QPainterPath(), QPen(QColor(0x2d, 0x7f, 0xf9), 2.0, Qt::DashLine, Qt::RoundCap));
            m_wire->setZValue(10);
            updateWire(event->scenePos());
            event->accept();
            return;
        }
    }
    m_draggingNodes = event->button() == Qt::LeftButton;
    QGraphicsScene::mousePressEvent(event);
}

void GraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event)
{
    if (m_wireStart) {
        updateWire(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void GraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event)
{
    if (m_wireStart && event->button() == Qt::LeftButton) {
        finishWire(event->scenePos());
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton) {
        m_draggingNodes = false;
        commitDraggedNodes();
    }
}

void GraphScene::keyPressEvent(QKeyEvent* event)
{
    if (m_wireStart && event->key() == Qt::Key_Escape) {
        cancelWire();
        event->accept();
        return;
    }
    const qreal step = event->modifiers() & Qt::ShiftModifier ? kLargeNudgeStep : kNudgeStep;
    QPointF delta;
    switch (event->key()) {
    case Qt::Key_Left: delta = {-step, 0}; break;
    case Qt::Key_Right: delta = {step, 0}; break;
    case Qt::Key_Up: delta = {0, -step}; break;
    case Qt::Key_Down: delta = {0, step}; break;
    default: break;
    }
    if (!delta.isNull() && !focusItem() && !selectedNodeIds().empty()) {
        nudgeSelection(delta);
        event->accept();
        return;
    }
    QGraphicsScene::keyPressEvent(event);
}

void GraphScene::drawBackground(QPainter* painter, const QRectF& rect)
{
    painter->fillRect(rect, QColor(0xf4, 0xf5, 0xf7));
    auto drawGrid = [&](qreal step, const QColor& color) {
        QVector<QLineF> lines;
        for (qreal x = std::floor(rect.left() / step) * step; x < rect.right(); x += step)
            lines.append(QLineF(x, rect.top(), x, rect.bottom()));
        for (qreal y = std::floor(rect.top() / step) * step; y < rect.bottom(); y += step)
            lines.append(QLineF(rect.left(), y, rect.right(), y));
        painter->setPen(QPen(color, 0)); // cosmetic: one pixel at any zoom
        painter->drawLines(lines);
    };
    if (painter->worldTransform().m11() > 0.5)
        drawGrid(kGridStep, QColor(0xea, 0xec, 0xf0));
    drawGrid(100.0, QColor(0xdc, 0xdf, 0xe5));
}

void GraphScene::rebuild()
{
    cancelWire();
    clear();
    m_nodes.clear();
    m_edges.clear();
    m_frames.clear();
    m_blocks.clear();
    const Graph& graph = m_document->graph();
    for (const Node& node : graph.nodes())
        addNodeItem(node.id);
    for (const Edge& edge : graph.edges())
        addEdgeItem(edge);
    syncGroups();
    refreshShapes();
}

void GraphScene::addNodeItem(NodeId id)
{
    auto* item = new NodeItem(m_document, id);
    addItem(item);
    m_nodes[id] = item;
    item->setVisible(!collapsedBlockOf(id));
    updateSceneRect();
}

void GraphScene::removeNodeItem(NodeId id)
{
    auto it = m_nodes.find(id);
    if (it == m_nodes.end())
        return;
    if ((m_wireStart && m_wireStart->nodeId() == id) || (m_wireTarget && m_wireTarget->nodeId() == id))
        cancelWire();
    delete it->second;
    m_nodes.erase(it);
    updateSceneRect();
}

void GraphScene::moveNodeItem(NodeId id)
{
    if (NodeItem* item = nodeItem(id)) {
        item->refresh();
        refreshGroupOf(id);
        updateSceneRect();
    }
}

void GraphScene::refreshNodeItem(NodeId id)
{
    if (NodeItem* item = nodeItem(id)) {
        if ((m_wireStart && m_wireStart->nodeId() == id) || (m_wireTarget && m_wireTarget->nodeId() == id))
            cancelWire(); // its ports may be rebuilt
        item->refresh();
        nodeItemMoved(id);
        refreshGroupOf(id); // its ports or size may have changed
    }
}

void GraphScene::addEdgeItem(const Edge& edge)
{
    auto* item = new EdgeItem(edge);
    addItem(item);
    m_edges[edge] = item;
    placeEdge(item);
}

void GraphScene::removeEdgeItem(const Edge& edge)
{
    auto it = m_edges.find(edge);
    if (it == m_edges.end())
        return;
    delete it->second;
    m_edges.erase(it);
}

void GraphScene::refreshShapes()
{
    for (const auto& [id, item] : m_nodes)
        item->refresh();
    for (const auto& [name, block] : m_blocks)
        refreshBlockItem(block);
    const Graph& graph = m_document->graph();
    for (const auto& [edge, item] : m_edges) {
        const Node* from = graph.node(edge.fromNode);
        const Node* to = graph.node(edge.toNode);
        const NodeShapes* shapes = m_document->nodeShapes(edge.fromNode);
        QString tip = QStringLiteral("%1 \u2192 %2")
                          .arg(QString::fromStdString(from ? from->name : std::string()),
                               QString::fromStdString(to ? to->name : std::string()));
        const bool known = shapes && size_t(edge.fromPort) < shapes->outputs.size();
        if (known) {
            const TensorType& type = shapes->outputs[size_t(edge.fromPort)];
            tip += QStringLiteral(": ") + QString::fromStdString(tensorTypeToString(type));
            item->setLabel(compactTypeText(type));
        } else {
            item->setLabel(QString());
        }
        item->setToolTip(tip);
        placeEdge(item);
    }
}

void GraphScene::placeEdge(EdgeItem* item) const
{
    const Edge& edge = item->edge();
    const BlockItem* fromBlock = collapsedBlockOf(edge.fromNode);
    const bool inner = fromBlock && fromBlock == collapsedBlockOf(edge.toNode);
    const PortItem* out = portItem(edge.fromNode, PortItem::Direction::Output, edge.fromPort);
    const PortItem* in = portItem(edge.toNode, PortItem::Direction::Input, edge.toPort);
    const bool shown = out && in && !inner;
    item->setVisible(shown);
    if (shown)
        item->setEndpoints(out->scenePos(), in->scenePos());
}

void GraphScene::updateSceneRect()
{
    // The nodes span the drawing (wires run between them, within the margin);
    // asking every port and wire too made each edit cost as much as the graph.
    QRectF bounds;
    for (const auto& [id, item] : m_nodes)
        bounds |= item->sceneBoundingRect();
    setSceneRect(bounds.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin));
}

void GraphScene::syncGroups()
{
    // A wire being drawn from a block's port goes with the block.
    const auto onBlock = [](const PortItem* port) {
        return port && qgraphicsitem_cast<BlockItem*>(port->parentItem());
    };
    if (onBlock(m_wireStart) || onBlock(m_wireTarget))
        cancelWire();
    const auto dropStale = [this](auto& items, bool collapsed) {
        for (auto it = items.begin(); it != items.end();) {
            const NodeGroup* group = m_document->group(it->first);
            if (group && group->collapsed == collapsed) {
                ++it;
                continue;
            }
            delete it->second;
            it = items.erase(it);
        }
    };
    dropStale(m_frames, false);
    dropStale(m_blocks, true);
    for (const NodeGroup& group : m_document->groups()) {
        if (group.collapsed && !blockItem(group.name)) {
            auto* block = new BlockItem(m_document, group.name);
            addItem(block);
            m_blocks[group.name] = block;
        } else if (!group.collapsed && !frameItem(group.name)) {
            auto* frame = new GroupFrameItem(m_document, group.name);
            addItem(frame);
            m_frames[group.name] = frame;
        }
    }
    for (const auto& [id, item] : m_nodes)
        item->setVisible(!collapsedBlockOf(id));
    for (const auto& [name, frame] : m_frames)
        frame->setMembersRect(membersRect(*m_document->group(name)));
    for (const auto& [name, block] : m_blocks)
        refreshBlockItem(block);
    for (const auto& [edge, item] : m_edges)
        placeEdge(item);
    updateSceneRect();
}

void GraphScene::refreshGroupOf(NodeId id)
{
    const NodeGroup* group = m_document->groupOf(id);
    if (!group)
        return;
    if (GroupFrameItem* frame = frameItem(group->name))
        frame->setMembersRect(membersRect(*group));
    if (BlockItem* block = blockItem(group->name))
        refreshBlockItem(block);
}

void GraphScene::refreshBlockItem(BlockItem* block)
{
    // Its ports may be rebuilt: a wire drawn from one must not outlive it.
    if ((m_wireStart && m_wireStart->parentItem() == block) || (m_wireTarget && m_wireTarget->parentItem() == block))
        cancelWire();
    block->refresh();
    const NodeGroup* group = m_document->group(block->groupName());
    if (!group)
        return; // going: syncGroups() follows
    const auto member = [group](NodeId id) {
        return std::find(group->nodes.begin(), group->nodes.end(), id) != group->nodes.end();
    };
    for (const auto& [edge, item] : m_edges) {
        if (member(edge.fromNode) || member(edge.toNode))
            placeEdge(item);
    }
}

QRectF GraphScene::membersRect(const NodeGroup& group) const
{
    QRectF rect;
    for (NodeId id : group.nodes) {
        if (const NodeItem* item = nodeItem(id))
            rect = rect.united(item->mapRectToScene(item->bodyRect()));
    }
    return rect;
}

BlockItem* GraphScene::collapsedBlockOf(NodeId id) const
{
    const NodeGroup* group = m_document->groupOf(id);
    return group && group->collapsed ? blockItem(group->name) : nullptr;
}

PortItem* GraphScene::portAt(QPointF scenePos) const
{
    for (QGraphicsItem* item : items(scenePos)) {
        if (auto* port = qgraphicsitem_cast<PortItem*>(item))
            return port;
    }
    return nullptr;
}

std::optional<Edge> GraphScene::edgeBetween(const PortItem* a, const PortItem* b) const
{
    if (!a || !b || a->direction() == b->direction())
        return std::nullopt;
    const PortItem* out = a->direction() == PortItem::Direction::Output ? a : b;
    const PortItem* in = out == a ? b : a;
    return Edge{out->nodeId(), out->index(), in->nodeId(), in->index()};
}

void GraphScene::updateWire(QPointF scenePos)
{
    PortItem* target = portAt(scenePos);
    const std::optional<Edge> edge = edgeBetween(m_wireStart, target);
    if (m_wireTarget && (!edge || m_wireTarget != target))
        m_wireTarget->setHighlight(PortItem::Highlight::None);
    m_wireTarget = edge ? target : nullptr;
    if (m_wireTarget) {
        const bool allowed = m_document->connectionProblem(*edge).empty();
        m_wireTarget->setHighlight(allowed ? PortItem::Highlight::Accept : PortItem::Highlight::Reject);
    }
    const QPointF start = m_wireStart->scenePos();
    const QPointF end = m_wireTarget ? m_wireTarget->scenePos() : scenePos;
    const bool fromOutput = m_wireStart->direction() == PortItem::Direction::Output;
    m_wire->setPath(fromOutput ? EdgeItem::wirePath(start, end) : EdgeItem::wirePath(end, start));
}

void GraphScene::finishWire(QPointF scenePos)
{
    updateWire(scenePos);
    const std::optional<Edge> edge = edgeBetween(m_wireStart, m_wireTarget);
    cancelWire();
    if (edge)
        connectPorts(*edge);
}

void GraphScene::cancelWire()
{
    if (m_wireTarget)
        m_wireTarget->setHighlight(PortItem::Highlight::None);
    delete m_wire;
    m_wire = nullptr;
    m_wireStart = nullptr;
    m_wireTarget = nullptr;
}

void GraphScene::commitDraggedNodes()
{
    std::vector<NodeMove> moves;
    const Graph& graph = m_document->graph();
    for (const auto& [id, item] : m_nodes) {
        const Node* node = graph.node(id);
        const Position to{item->pos().x(), item->pos().y()};
        if (node && (node->position.x != to.x || node->position.y != to.y))
            moves.push_back({id, node->position, to});
    }
    if (!moves.empty())
        m_document->undoStack()->push(
            new MoveNodesCommand(m_document, std::move(moves), MoveNodesCommand::Kind::Drag));
}

void GraphScene::nudgeSelection(QPointF delta)
{
    std::vector<NodeMove> moves;
    for (NodeId id : selectedNodeIds()) {
        const Node* node = m_document->graph().node(id);
        moves.push_back({id, node->position, {node->position.x + delta.x(), node->position.y + delta.y()}});
    }
    m_document->undoStack()->push(
        new MoveNodesCommand(m_document, std::move(moves), MoveNodesCommand::Kind::Nudge));
}

} // namespace lepton
