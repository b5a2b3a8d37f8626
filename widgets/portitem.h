#pragma once

#include "graph/graph.h"

#include <QGraphicsItem>

#include <vector>

namespace lepton {

// One input or output port of a node: a child of its NodeItem that knows
// only which port it is. Dragging from it draws a wire (GraphScene).
class PortItem : public QGraphicsItem {
public:
    enum { Type = QGraphicsItem::UserType + 2 };
    enum class Direction { Input, Output };
    // Feedback while a wire is dragged over the port.
    enum class Highlight { None, Accept, Reject };

    PortItem(NodeId node, Direction direction, int index, QGraphicsItem* parent);

    int type() const override { return Type; }
    NodeId nodeId() const { return m_nodeId; }
    Direction direction() const { return m_direction; }
    int index() const { return m_index; }
    void setHighlight(Highlight highlight);

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;

private:
    NodeId m_nodeId;
    Direction m_direction;
    int m_index;
    Highlight m_highlight = Highlight::None;
    bool m_hovered = false;
};

// Deletes the port items of a node or block (when its ports are rebuilt)
// and empties the list.
void deletePorts(std::vector<PortItem*>& ports);

} // namespace lepton
