#include "blocks/groupframeitem.h"

#include "graphdocument.h"
#include "graphscene.h"

#include <QGraphicsSceneMouseEvent>
#include <QPainter>

namespace lepton {

namespace {

constexpr qreal kCorner = 10.0;
const QColor kFrameColor(0x2d, 0x7f, 0xf9);

} // namespace

GroupFrameItem::GroupFrameItem(const GraphDocument* document, std::string group)
    : m_document(document)
    , m_group(std::move(group))
{
    setZValue(-2); // behind the wires, which are behind the layers
    setAcceptedMouseButtons(Qt::LeftButton);
    setToolTip(QObject::tr("Click to select the block's layers, double-click to collapse it"));
}

void GroupFrameItem::setMembersRect(const QRectF& members)
{
    const QRectF frame = members.adjusted(-kPadding, -kPadding - kLabelHeight, kPadding, kPadding);
    if (frame == m_frame)
        return;
    prepareGeometryChange();
    m_frame = frame;
}

QRectF GroupFrameItem::labelRect() const
{
    return QRectF(m_frame.topLeft(), QSizeF(m_frame.width(), kLabelHeight + kPadding / 2));
}

QRectF GroupFrameItem::boundingRect() const
{
    return m_frame.adjusted(-1, -1, 1, 1);
}

QPainterPath GroupFrameItem::shape() const
{
    QPainterPath path;
    path.addRect(labelRect());
    return path;
}

void GroupFrameItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const NodeGroup* group = m_document->group(m_group);
    if (!group || m_frame.isEmpty())
        return;
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = kFrameColor;
    fill.setAlpha(16);
    QColor border = kFrameColor;
    border.setAlpha(120);
    painter->setPen(QPen(border, 1.5, Qt::DashLine));
    painter->setBrush(fill);
    painter->drawRoundedRect(m_frame, kCorner, kCorner);

    QFont font = painter->font();
    font.setPointSizeF(12.0);
    font.setBold(true);
    painter->setFont(font);
    const QRectF label = QRectF(m_frame.left() + 12, m_frame.top() + 2, m_frame.width() - 24, kLabelHeight);
    const QString name = QString::fromStdString(group->name);
    painter->setPen(kFrameColor.darker(140));
    painter->drawText(label, Qt::AlignVCenter | Qt::AlignLeft, name);
    if (group->block.empty())
        return;
    const qreal nameWidth = painter->fontMetrics().horizontalAdvance(name + QLatin1Char(' '));
    font.setBold(false);
    painter->setFont(font);
    painter->setPen(QColor(0x5f, 0x6b, 0x7a));
    const QRectF rest = label.adjusted(nameWidth, 0, 0, 0);
    painter->drawText(rest, Qt::AlignVCenter | Qt::AlignLeft,
                      painter->fontMetrics().elidedText(
                          QObject::tr("block %1").arg(QString::fromStdString(group->block)), Qt::ElideRight,
                          int(rest.width())));
}

void GroupFrameItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    if (auto* graphScene = qobject_cast<GraphScene*>(scene()))
        graphScene->selectGroup(m_group);
    event->accept();
}

void GroupFrameItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    // Collapsing deletes this item: not while it handles its own event.
    if (auto* graphScene = qobject_cast<GraphScene*>(scene())) {
        QMetaObject::invokeMethod(
            graphScene, [graphScene, group = m_group] { graphScene->setGroupCollapsed(group, true); },
            Qt::QueuedConnection);
    }
    event->accept();
}

} // namespace lepton
