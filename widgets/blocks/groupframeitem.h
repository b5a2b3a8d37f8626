#pragma once

#include <QGraphicsItem>

#include <string>

namespace lepton {

class GraphDocument;

// An expanded group on the canvas: a labelled translucent frame behind its
// layers, "res1  block res". Clicking the label selects the group's layers;
// double-clicking it collapses the group. The rest of the frame lets clicks
// through to the canvas, so a rubber band can start inside it.
class GroupFrameItem : public QGraphicsItem {
public:
    enum { Type = QGraphicsItem::UserType + 4 };
    static constexpr qreal kPadding = 14.0;
    static constexpr qreal kLabelHeight = 26.0;

    GroupFrameItem(const GraphDocument* document, std::string group);

    int type() const override { return Type; }
    const std::string& groupName() const { return m_group; }
    // Frames the layers, which cover `members` (scene coordinates).
    void setMembersRect(const QRectF& members);
    // The label strip above the layers, in item coordinates.
    QRectF labelRect() const;

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;

private:
    const GraphDocument* m_document;
    std::string m_group;
    QRectF m_frame; // item coordinates: the item sits at the scene origin
};

} // namespace lepton
