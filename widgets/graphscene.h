#pragma once

#include "graph/graph.h"

#include <QGraphicsScene>

#include <map>
#include <optional>
#include <vector>

class QGraphicsPathItem;

namespace lepton {

class EdgeItem;
class GraphDocument;
class NodeItem;
class PortItem;

// The canvas: one NodeItem per node and one EdgeItem per edge, kept in step
// with the document's signals. Mouse gestures become undo commands: a drag
// between ports connects them, a node drag moves nodes, arrow keys nudge.
class GraphScene : public QGraphicsScene {
    Q_OBJECT

public:
    explicit GraphScene(GraphDocument* document, QObject* parent = nullptr);

    GraphDocument* document() const { return m_document; }
    NodeItem* nodeItem(NodeId id) const;
    EdgeItem* edgeItem(const Edge& edge) const;

    std::vector<NodeId> selectedNodeIds() const;
    std::vector<Edge> selectedEdges() const;
    void selectOnly(NodeId id);
    void selectNodes(const std::vector<NodeId>& ids);
    // The node or wire under `scenePos` (a port counts as its node).
    NodeItem* nodeItemAt(QPointF scenePos) const;
    EdgeItem* edgeItemAt(QPointF scenePos) const;

    // While on, dragged nodes land on a grid of kGridStep.
    bool snapToGrid() const { return m_snapToGrid; }
    void setSnapToGrid(bool snap);
    static constexpr qreal kGridStep = 20.0;
    // Where a node the user is dragging to `proposed` goes: on the grid, or
    // at least on whole numbers, so saved positions stay tidy. Positions set
    // from the document pass unchanged.
    QPointF dragPosition(QPointF proposed) const;

    // Pushes a ConnectPortsCommand, or returns why the edge is refused.
    QString connectPorts(const Edge& edge);
    // Deletes the selected nodes and edges as one undo step.
    void deleteSelection();
    // Called by a NodeItem whose position changed: its edges follow.
    void nodeItemMoved(NodeId id);

Q_SIGNALS:
    // A short message for the status bar (why a connection was refused).
    void statusMessage(const QString& message);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;

private:
    void rebuild();
    void addNodeItem(NodeId id);
    void removeNodeItem(NodeId id);
    void moveNodeItem(NodeId id);
    void refreshNodeItem(NodeId id);
    void addEdgeItem(const Edge& edge);
    void removeEdgeItem(const Edge& edge);
    void refreshShapes();
    void placeEdge(EdgeItem* item) const;
    void updateSceneRect();

    PortItem* portAt(QPointF scenePos) const;
    // The edge joining two ports (output to input, either drag direction).
    std::optional<Edge> edgeBetween(const PortItem* a, const PortItem* b) const;
    void updateWire(QPointF scenePos);
    void finishWire(QPointF scenePos);
    void cancelWire();
    void commitDraggedNodes();
    void nudgeSelection(QPointF delta);

    GraphDocument* m_document;
    std::map<NodeId, NodeItem*> m_nodes;
    std::map<Edge, EdgeItem*> m_edges;
    bool m_snapToGrid = false;
    bool m_draggingNodes = false;
    PortItem* m_wireStart = nullptr;
    PortItem* m_wireTarget = nullptr;
    QGraphicsPathItem* m_wire = nullptr;
};

} // namespace lepton
