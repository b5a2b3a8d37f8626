#include "graphview.h"

#include "commands/addnodecommand.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "layerpalette.h"
#include "nodeitem.h"

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
constexpr qreal kCascade = 28.0; // offset for layers added on top of others

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

NodeId GraphView::addLayer(const QString& type, QPointF scenePos)
{
    GraphDocument* document = m_scene->document();
    if (!document->registry().find(type.toStdString()))
        return 0;
    QPointF topLeft = scenePos - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2);
    auto occupied = [&](QPointF point) {
        const auto& nodes = document->graph().nodes();
        return std::any_of(nodes.begin(), nodes.end(), [&](const Node& node) {
            return std::abs(node.position.x - point.x()) < 4 && std::abs(node.position.y - point.y()) < 4;
        });
    };
    while (occupied(topLeft))
        topLeft += QPointF(kCascade, kCascade);
    auto* command = new AddNodeCommand(document, type.toStdString(), {topLeft.x(), topLeft.y()});
    document->undoStack()->push(command);
    const NodeId id = command->nodeId();
    m_scene->selectOnly(id);
    return id;
}

void GraphView::addLayerAtCentre(const QString& type)
{
    addLayer(type, mapToScene(viewport()->rect().center()));
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

void GraphView::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType)))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void GraphView::dragMoveEvent(QDragMoveEvent* event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(kLayerMimeType)))
        event->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(event);
}

void GraphView::dropEvent(QDropEvent* event)
{
    const QMimeData* mime = event->mimeData();
    if (!mime->hasFormat(QString::fromLatin1(kLayerMimeType))) {
        QGraphicsView::dropEvent(event);
        return;
    }
    const QString type = QString::fromUtf8(mime->data(QString::fromLatin1(kLayerMimeType)));
    if (addLayer(type, mapToScene(event->position().toPoint())))
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
    if (zoom() > kMaxFitZoom)
        setZoom(kMaxFitZoom);
    else if (zoom() < kMinZoom)
        setZoom(kMinZoom);
    centerOn(bounds.center());
}

} // namespace lepton
