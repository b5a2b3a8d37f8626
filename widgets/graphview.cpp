#include "graphview.h"

#include "blocks/blockmime.h"
#include "commands/addnodecommand.h"
#include "edgeitem.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphedits.h"
#include "graphscene.h"
#include "layerpalette.h"
#include "nodeitem.h"

#include <QContextMenuEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QUndoStack>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

constexpr qreal kMinZoom = 0.15;
constexpr qreal kMaxZoom = 4.0;
constexpr qreal kMaxFitZoom = 1.25; // a tiny graph should not fill the screen
constexpr qreal kZoomStep = 1.2;
constexpr qreal kFitMargin = 30.0;
constexpr qreal kNodeGap = 40.0; // between a new layer and its neighbours

QString layerType(const QMimeData* mime)
{
    const QString format = QString::fromLatin1(kLayerMimeType);
    return mime->hasFormat(format) ? QString::fromUtf8(mime->data(format)) : QString();
}

bool carriesBlock(const QMimeData* mime)
{
    return mime->hasFormat(QString::fromLatin1(kBlockMimeType));
}

QPointF rounded(QPointF point)
{
    return {std::round(point.x()), std::round(point.y())};
}

} // namespace

GraphView::GraphView(GraphScene* scene, QWidget* parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(RubberBandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    setViewportUpdateMode(SmartViewportUpdate);
    setAcceptDrops(true);
    setFrameShape(QFrame::NoFrame);
}

qreal GraphView::zoom() const
{
    return transform().m11();
}

QPointF GraphView::centre() const
{
    // Exact, unlike mapToScene() of the rect's integer centre.
    return viewportTransform().inverted().map(QRectF(viewport()->rect()).center());
}

void GraphView::setViewState(qreal zoom, QPointF centre)
{
    m_fitOnResize = false;
    setZoom(zoom);
    centerOn(centre);
}

NodeId GraphView::addLayer(const QString& type, QPointF scenePos)
{
    GraphDocument* document = m_scene->document();
    if (!document->registry().find(type.toStdString()))
        return 0;
    const QPointF topLeft = rounded(scenePos - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2));
    auto* command = new AddNodeCommand(document, type.toStdString(), {topLeft.x(), topLeft.y()});
    document->undoStack()->push(command);
    const NodeId id = command->nodeId();
    m_scene->selectOnly(id);
    return id;
}

void GraphView::addLayerBesideSelection(const QString& type)
{
    const QPointF topLeft = freeSpot(type, besideSelection());
    const NodeId id = addLayer(type, topLeft + QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2));
    if (NodeItem* item = m_scene->nodeItem(id))
        ensureVisible(item, 40, 40);
}

void GraphView::insertBlockBesideSelection(const QByteArray& payload)
{
    if (!insertBlock(payload, besideSelection()))
        return;
    QRectF added; // the copy, which insertBlock() selected
    for (QGraphicsItem* item : m_scene->selectedItems())
        added |= item->sceneBoundingRect();
    ensureVisible(added, 40, 40);
}

void GraphView::zoomIn()
{
    zoomBy(kZoomStep);
}

void GraphView::zoomOut()
{
    zoomBy(1.0 / kZoomStep);
}

void GraphView::fitToContents()
{
    m_fitOnResize = true;
    fitNow();
}

void GraphView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        zoomBy(std::pow(kZoomStep, event->angleDelta().y() / 120.0));
        event->accept();
        return;
    }
    m_fitOnResize = false;
    QGraphicsView::wheelEvent(event);
}

void GraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_fitOnResize = false;
        m_panOrigin = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void GraphView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_panning) {
        const QPoint delta = event->position().toPoint() - m_panOrigin;
        m_panOrigin = event->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void GraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && event->button() == Qt::MiddleButton) {
        m_panning = false;
        viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void GraphView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitOnResize)
        fitNow();
}

void GraphView::contextMenuEvent(QContextMenuEvent* event)
{
    Q_EMIT contextMenuRequested(event->pos(), event->globalPos());
    event->accept();
}

void GraphView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType)) || carriesBlock(event->mimeData()))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void GraphView::dragMoveEvent(QDragMoveEvent* event)
{
    if (carriesBlock(event->mimeData())) {
        event->acceptProposedAction();
        return;
    }
    const QString type = layerType(event->mimeData());
    if (type.isEmpty()) {
        QGraphicsView::dragMoveEvent(event);
        return;
    }
    setDropWire(insertionWire(type, event->position().toPoint()));
    event->acceptProposedAction();
}

void GraphView::dragLeaveEvent(QDragLeaveEvent* event)
{
    setDropWire(nullptr);
    QGraphicsView::dragLeaveEvent(event);
}

void GraphView::dropEvent(QDropEvent* event)
{
    if (carriesBlock(event->mimeData())) {
        const QPointF at = mapToScene(event->position().toPoint())
            - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2);
        if (insertBlock(event->mimeData()->data(QString::fromLatin1(kBlockMimeType)), at))
            event->acceptProposedAction();
        else
            event->ignore();
        return;
    }
    const QString type = layerType(event->mimeData());
    if (type.isEmpty()) {
        QGraphicsView::dropEvent(event);
        return;
    }
    setDropWire(nullptr);
    const QPoint viewPos = event->position().toPoint();
    NodeId id = 0;
    if (EdgeItem* wire = insertionWire(type, viewPos)) {
        const QPointF topLeft
            = rounded(mapToScene(viewPos) - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2));
        id = insertLayerIntoEdge(m_scene->document(), type.toStdString(), wire->edge(),
                                 {topLeft.x(), topLeft.y()});
        m_scene->selectOnly(id);
    } else {
        id = addLayer(type, mapToScene(viewPos));
    }
    if (id)
        event->acceptProposedAction();
    else
        event->ignore();
}

void GraphView::setZoom(qreal zoom)
{
    const qreal clamped = std::clamp(zoom, kMinZoom, kMaxZoom);
    setTransform(QTransform::fromScale(clamped, clamped));
}

void GraphView::zoomBy(qreal factor)
{
    m_fitOnResize = false;
    setZoom(zoom() * factor);
}

void GraphView::fitNow()
{
    QRectF bounds = m_scene->itemsBoundingRect();
    if (bounds.isEmpty())
        return;
    bounds.adjust(-kFitMargin, -kFitMargin, kFitMargin, kFitMargin);
    fitInView(bounds, Qt::KeepAspectRatio);
    setZoom(std::clamp(zoom(), kMinFitZoom, kMaxFitZoom));
    // Too big to show whole at a legible zoom: show where it starts (the
    // inputs, top left) rather than its middle.
    const QSizeF visible = QSizeF(viewport()->size()) / zoom();
    const qreal x = bounds.width() > visible.width() ? bounds.left() + visible.width() / 2 : bounds.center().x();
    const qreal y = bounds.height() > visible.height() ? bounds.top() + visible.height() / 2 : bounds.center().y();
    centerOn(x, y);
}

EdgeItem* GraphView::insertionWire(const QString& type, QPoint viewPos) const
{
    if (!canInsertIntoEdge(m_scene->document()->registry(), type.toStdString()))
        return nullptr;
    const QPointF scenePos = mapToScene(viewPos);
    return m_scene->nodeItemAt(scenePos) ? nullptr : m_scene->edgeItemAt(scenePos);
}

void GraphView::setDropWire(EdgeItem* wire)
{
    if (m_dropWire) {
        if (EdgeItem* previous = m_scene->edgeItem(*m_dropWire))
            previous->setHighlighted(false);
    }
    m_dropWire.reset();
    if (wire) {
        wire->setHighlighted(true);
        m_dropWire = wire->edge();
    }
}

QPointF GraphView::besideSelection() const
{
    const Graph& graph = m_scene->document()->graph();
    const Node* anchor = nullptr;
    for (NodeId id : m_scene->selectedNodeIds()) {
        const Node* node = graph.node(id);
        if (!anchor || node->position.x > anchor->position.x)
            anchor = node;
    }
    return anchor ? QPointF(anchor->position.x + NodeItem::kWidth + kNodeGap, anchor->position.y)
                  : centre() - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2);
}

bool GraphView::insertBlock(const QByteArray& payload, QPointF topLeft)
{
    std::string problem;
    const std::optional<BlockDefinition> block
        = blockFromMimeBytes(payload, m_scene->document()->registry(), &problem);
    if (!block) {
        Q_EMIT statusMessage(tr("Cannot insert the block: %1").arg(QString::fromStdString(problem)));
        return false;
    }
    return m_scene->insertBlock(*block, rounded(topLeft)).isEmpty();
}

QPointF GraphView::freeSpot(const QString& type, QPointF topLeft) const
{
    const GraphDocument* document = m_scene->document();
    auto extent = [&document](const Node& node, QPointF at) {
        return QRectF(at, QSizeF(NodeItem::kWidth, NodeItem::heightFor(document->registry(), node)));
    };
    Node fresh;
    fresh.type = type.toStdString();
    QRectF wanted = extent(fresh, topLeft);
    // Each pass moves below one covered node, so this ends.
    for (size_t pass = 0; pass <= document->graph().nodes().size(); ++pass) {
        const QRectF padded = wanted.adjusted(-kNodeGap / 2, -kNodeGap / 2, kNodeGap / 2, kNodeGap / 2);
        const Node* covered = nullptr;
        for (const Node& node : document->graph().nodes()) {
            if (padded.intersects(extent(node, {node.position.x, node.position.y})))
                covered = &node;
        }
        if (!covered)
            break;
        wanted.moveTop(covered->position.y + extent(*covered, {}).height() + kNodeGap);
    }
    return wanted.topLeft();
}

} // namespace lepton
