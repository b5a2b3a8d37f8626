#include "edgeitem.h"

#include <QFontDatabase>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>

#include <algorithm>
#include <cmath>

namespace lepton {

EdgeItem::EdgeItem(const Edge& edge)
    : m_edge(edge)
{
    setFlag(ItemIsSelectable);
    setZValue(-1); // under the nodes
}

void EdgeItem::setEndpoints(QPointF from, QPointF to)
{
    prepareGeometryChange();
    setPath(wirePath(from, to));
    placeLabel();
}

void EdgeItem::setHighlighted(bool highlighted)
{
    if (highlighted == m_highlighted)
        return;
    m_highlighted = highlighted;
    update();
}

void EdgeItem::setLabel(const QString& label)
{
    if (label == m_label)
        return;
    prepareGeometryChange();
    m_label = label;
    placeLabel();
    update();
}

QFont EdgeItem::labelFont()
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(9.0);
    return font;
}

// Kept, not computed on demand: the scene asks every item for its bounds
// often, and measuring text each time made large graphs slow.
void EdgeItem::placeLabel()
{
    if (m_label.isEmpty()) {
        m_labelRect = QRectF();
        return;
    }
    const QSizeF size = QFontMetricsF(labelFont()).size(Qt::TextSingleLine, m_label)
        + QSizeF(8, 2);
    m_labelRect = QRectF(QPointF(), size);
    m_labelRect.moveCenter(path().pointAtPercent(0.5));
}

QRectF EdgeItem::boundingRect() const
{
    return QGraphicsPathItem::boundingRect().united(m_labelRect);
}

QPainterPath EdgeItem::wirePath(QPointF from, QPointF to)
{
    QPainterPath path(from);
    const qreal dx = to.x() - from.x();
    if (dx >= 0) {
        // Horizontal tangents at both ports, bending with the edge's length.
        const qreal bend = std::max(40.0, dx * 0.5);
        path.cubicTo(from + QPointF(bend, 0), to - QPointF(bend, 0), to);
        return path;
    }
    // Backwards (to the next row, or leftwards in the same one): leave to the
    // right, turn, run back along the gap between rows and enter from the left.
    const qreal dy = to.y() - from.y();
    const qreal laneY = std::abs(dy) >= 80 ? from.y() + dy / 2 : std::max(from.y(), to.y()) + 70;
    const qreal turn = std::clamp(std::abs(laneY - from.y()) * 0.75, 25.0, 60.0);
    path.cubicTo(from + QPointF(turn, 0), QPointF(from.x() + turn, laneY), QPointF(from.x(), laneY));
    path.lineTo(to.x(), laneY);
    const qreal turnIn = std::clamp(std::abs(to.y() - laneY) * 0.75, 25.0, 60.0);
    path.cubicTo(QPointF(to.x() - turnIn, laneY), to - QPointF(turnIn, 0), to);
    return path;
}

QPainterPath EdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(12); // easy to click
    return stroker.createStroke(path());
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    painter->setRenderHint(QPainter::Antialiasing);
    const bool selected = isSelected() || m_highlighted;
    painter->setPen(QPen(selected ? QColor(0x2d, 0x7f, 0xf9) : QColor(0x7d, 0x88, 0x99),
                         selected ? 3.0 : 2.0, Qt::SolidLine, Qt::RoundCap));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(path());

    if (m_label.isEmpty())
        return;
    const QRectF& rect = m_labelRect;
    painter->setPen(QPen(QColor(0xc9, 0xcf, 0xd8), 1.0));
    painter->setBrush(QColor(0xff, 0xff, 0xff, 235));
    painter->drawRoundedRect(rect, rect.height() / 2, rect.height() / 2);
    painter->setFont(labelFont());
    painter->setPen(QColor(0x3a, 0x45, 0x52));
    painter->drawText(rect, Qt::AlignCenter, m_label);
}

} // namespace lepton
