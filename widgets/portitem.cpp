#include "portitem.h"

#include <QPainter>

namespace lepton {

namespace {

constexpr qreal kRadius = 5.0;
constexpr qreal kPickRadius = 10.0; // generous target for the mouse

} // namespace

PortItem::PortItem(NodeId node, Direction direction, int index, QGraphicsItem* parent)
    : QGraphicsItem(parent)
    , m_nodeId(node)
    , m_direction(direction)
    , m_index(index)
{
    setAcceptHoverEvents(true);
    setCursor(Qt::CrossCursor);
    setZValue(1);
}

void PortItem::setHighlight(Highlight highlight)
{
    if (highlight == m_highlight)
        return;
    m_highlight = highlight;
    update();
}

QRectF PortItem::boundingRect() const
{
    return QRectF(-kPickRadius, -kPickRadius, 2 * kPickRadius, 2 * kPickRadius);
}

void PortItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    QColor fill(0xff, 0xff, 0xff);
    QColor border(0x6b, 0x77, 0x87);
    qreal radius = kRadius;
    switch (m_highlight) {
    case Highlight::Accept:
        fill = QColor(0x34, 0xa8, 0x53);
        border = fill.darker(130);
        radius += 2;
        break;
    case Highlight::Reject:
        fill = QColor(0xd9, 0x30, 0x25);
        border = fill.darker(130);
        radius += 2;
        break;
    case Highlight::None:
        if (m_hovered) {
            fill = QColor(0x2d, 0x7f, 0xf9);
            border = fill.darker(130);
            radius += 1;
        }
        break;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(border, 1.5));
    painter->setBrush(fill);
    painter->drawEllipse(QPointF(0, 0), radius, radius);
}

void PortItem::hoverEnterEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = true;
    update();
}

void PortItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*)
{
    m_hovered = false;
    update();
}

void deletePorts(std::vector<PortItem*>& ports)
{
    for (PortItem* port : ports)
        delete port;
    ports.clear();
}

} // namespace lepton
