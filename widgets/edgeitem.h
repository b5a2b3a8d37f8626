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
    // The tensor type the wire carries ("[64, 7, 7]"), drawn at its middle;
    // empty while it is not known.
    void setLabel(const QString& label);
    const QString& label() const { return m_label; }

    // The curve from an output port to an input port, shared with the wire
    // drawn while connecting.
    static QPainterPath wirePath(QPointF from, QPointF to);

    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    Edge m_edge;
    static QFont labelFont();
    void placeLabel();

    bool m_highlighted = false;
    QString m_label;
    QRectF m_labelRect; // empty without a label
};

} // namespace lepton
