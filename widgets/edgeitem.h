#pragma once

#include "graph/graph.h"

#include <QGraphicsPathItem>

namespace lepton {

// A drawn connection; knows only which edge it stands for. The scene places
// its ends on the port items.
class EdgeItem : public QGraphicsPathItem {
public:
    enum { Type = QGraphicsItem::UserType + 3 };

    explicit EdgeItem(const Edge& edge);

    int type() const override { return Type; }
    const Edge& edge() const { return m_edge; }
    void setEndpoints(QPointF from, QPointF to);
    // Marks the wire a dragged layer would be inserted into.
    void setHighlighted(bool highlighted);

    // The curve from an output port to an input port, shared with the wire
    // drawn while connecting.
    static QPainterPath wirePath(QPointF from, QPointF to);

    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    Edge m_edge;
    bool m_highlighted = false;
};

} // namespace lepton
