#include "graphscene.h"

#include "commands/connectportscommand.h"
#include "commands/movenodescommand.h"
#include "commands/removeitemscommand.h"
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

std::vector<NodeId> GraphScene::selectedNodeIds() const
{
    std::vector<NodeId> ids;
    for (QGraphicsItem* item : selectedItems()) {
        if (auto* node = qgraphicsitem_cast<NodeItem*>(item))
            ids.push_back(node->nodeId());
    }
    std::sort(ids.begin(), ids.end());
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
    clearSelection();
    if (NodeItem* item = nodeItem(id))
        item->setSelected(true);
}

void GraphScene::selectNodes(const std::vector<NodeId>& ids)
{
    clearSelection();
    for (NodeId id : ids) {
        if (NodeItem* item = nodeItem(id))
            item->setSelected(true);
    }
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

void GraphScene::setSnapToGrid(bool snap)
{
    m_snapToGrid = snap;
}

QPointF GraphScene::dragPosition(QPointF proposed) const
{
    if (!m_draggingNodes)
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

void GraphScene::nodeItemMoved(NodeId id)
{
    for (const auto& [edge, item] : m_edges) {
        if (edge.fromNode == id || edge.toNode == id)
            placeEdge(item);
    }
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
    const Graph& graph = m_document->graph();
    for (const Node& node : graph.nodes())
        addNodeItem(node.id);
    for (const Edge& edge : graph.edges())
        addEdgeItem(edge);
    refreshShapes();
}

void GraphScene::addNodeItem(NodeId id)
{
    auto* item = new NodeItem(m_document, id);
    addItem(item);
    m_nodes[id] = item;
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
    const NodeItem* from = nodeItem(item->edge().fromNode);
    const NodeItem* to = nodeItem(item->edge().toNode);
    const PortItem* out = from ? from->outputPort(item->edge().fromPort) : nullptr;
    const PortItem* in = to ? to->inputPort(item->edge().toPort) : nullptr;
    item->setVisible(out && in);
    if (out && in)
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
