#include "graphthumbnail.h"

#include "graph/layerregistry.h"
#include "layerstyle.h"

#include <QPainter>
#include <QPainterPath>

namespace lepton {

namespace {

// Canvas units of a node box, roughly the size NodeItem draws.
constexpr qreal kNodeWidth = 140;
constexpr qreal kNodeHeight = 60;

QRectF nodeRect(const Node& node)
{
    return {node.position.x, node.position.y, kNodeWidth, kNodeHeight};
}

} // namespace

QPixmap graphThumbnail(const Graph& graph, QSize size)
{
    QPixmap pixmap(size);
    pixmap.fill(QColor(0xf7, 0xf8, 0xfa));
    if (graph.nodes().empty())
        return pixmap;

    QRectF bounds;
    for (const Node& node : graph.nodes())
        bounds |= nodeRect(node);
    const qreal margin = 8;
    const qreal scale = std::min((size.width() - 2 * margin) / bounds.width(),
                                 (size.height() - 2 * margin) / bounds.height());
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.translate(size.width() / 2.0, size.height() / 2.0);
    painter.scale(scale, scale);
    painter.translate(-bounds.center());

    QPen wire(QColor(0x90, 0x98, 0xa4));
    wire.setCosmetic(true);
    wire.setWidthF(1.5);
    painter.setPen(wire);
    for (const Edge& edge : graph.edges()) {
        const QRectF from = nodeRect(*graph.node(edge.fromNode));
        const QRectF to = nodeRect(*graph.node(edge.toNode));
        const QPointF start(from.right(), from.center().y());
        const QPointF end(to.left(), to.center().y());
        QPainterPath path(start);
        const qreal bend = std::max<qreal>(40, (end.x() - start.x()) / 2);
        path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end);
        painter.drawPath(path);
    }
    painter.setPen(Qt::NoPen);
    for (const Node& node : graph.nodes()) {
        const LayerSpec* spec = LayerRegistry::builtin().find(node.type);
        painter.setBrush(categoryColor(spec ? spec->category : std::string()));
        painter.drawRoundedRect(nodeRect(node), 10, 10);
    }
    return pixmap;
}

} // namespace lepton
