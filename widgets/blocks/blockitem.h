#pragma once

#include "blocks/groupports.h"

#include <QGraphicsItem>

#include <string>
#include <vector>

namespace lepton {

class GraphDocument;
class PortItem;

// A collapsed group on the canvas, standing for its hidden layers: the
// group's name, its block's name, the open ports (groupPorts) and the shape
// each output carries. Each port item is the port of the inner layer it
// stands for, so wires drawn to and from it connect that layer. Dragging the
// item moves the layers (GraphScene::blockItemMoved); double-clicking it
// expands the group.
class BlockItem : public QGraphicsItem {
public:
    enum { Type = QGraphicsItem::UserType + 5 };
    static constexpr qreal kWidth = 220.0;

    BlockItem(const GraphDocument* document, std::string group);

    int type() const override { return Type; }
    const std::string& groupName() const { return m_group; }
    // Re-reads the group: position (its layers' top-left corner), ports,
    // shapes and problems.
    void refresh();
    // The port standing for a layer's port, or nullptr if the block shows none.
    PortItem* inputPort(NodeId node, int port) const;
    PortItem* outputPort(NodeId node, int port) const;
    const GroupPorts& ports() const { return m_ports; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
    void mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event) override;

private:
    void rebuildPorts(const GroupPorts& ports);
    void updateToolTips();
    // The shape an output port carries, "" while unknown.
    QString outputText(const BlockPort& port) const;
    QString inputText(const BlockPort& port) const;
    bool hasError() const;

    const GraphDocument* m_document;
    std::string m_group;
    GroupPorts m_ports;
    std::vector<PortItem*> m_inputs;
    std::vector<PortItem*> m_outputs;
    qreal m_height = 0;
    QPointF m_lastPos;
    bool m_placing = false; // refresh() moves it: the layers are there already
};

} // namespace lepton
