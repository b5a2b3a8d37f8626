#pragma once

#include "graph/graph.h"
#include "graph/shapeinference.h"

#include <QGraphicsItem>

#include <vector>

namespace lepton {

class GraphDocument;
class LayerRegistry;
class PortItem;

// A layer on the canvas: header with the node's name, the layer type and the
// inferred output shape, inputs on the left and outputs on the right. It
// holds only its id and reads everything else from the document.
class NodeItem : public QGraphicsItem {
public:
    enum { Type = QGraphicsItem::UserType + 1 };
    static constexpr qreal kWidth = 184.0;
    static constexpr qreal kHeaderHeight = 34.0;

    NodeItem(const GraphDocument* document, NodeId id);

    // Height of a node with these port counts (its width is kWidth).
    static qreal heightFor(int inputs, int outputs);
    // Height of `node` as the canvas draws it.
    static qreal heightFor(const LayerRegistry& registry, const Node& node);

    int type() const override { return Type; }
    NodeId nodeId() const { return m_id; }
    // Re-reads position, port counts, shapes and errors from the document.
    void refresh();
    // True when shape inference reported a problem with this node.
    NodeStatus status() const;
    // A problem of the node itself (a mismatch, a bad param), drawn in red;
    // an input without a wire only reads "not connected".
    bool hasError() const;
    PortItem* inputPort(int index) const;
    PortItem* outputPort(int index) const;
    // The card without its halo and shadow, in item coordinates.
    QRectF bodyRect() const { return QRectF(0, 0, kWidth, m_height); }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    void rebuildPorts(int inputs, int outputs);
    void updateToolTips();
    QString shapeText() const;

    const GraphDocument* m_document;
    NodeId m_id;
    qreal m_height = 0;
    std::vector<PortItem*> m_inputs;
    std::vector<PortItem*> m_outputs;
};

} // namespace lepton
