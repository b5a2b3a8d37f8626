#pragma once

#include "graph/block.h"
#include "graph/graph.h"
#include "portitem.h"

#include <QGraphicsScene>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QGraphicsPathItem;

namespace lepton {

class BlockItem;
class EdgeItem;
class GraphDocument;
class GroupFrameItem;
class NodeItem;

// The canvas: one NodeItem per node and one EdgeItem per edge, kept in step
// with the document's signals. Mouse gestures become undo commands: a drag
// between ports connects them, a node drag moves nodes, arrow keys nudge.
// An expanded group is a GroupFrameItem behind its nodes; a collapsed one a
// BlockItem that stands for its hidden nodes, whose wires crossing the
// group's edge end on the block's ports and whose inner wires are hidden.
class GraphScene : public QGraphicsScene {
    Q_OBJECT

public:
    explicit GraphScene(GraphDocument* document, QObject* parent = nullptr);

    GraphDocument* document() const { return m_document; }
    NodeItem* nodeItem(NodeId id) const;
    EdgeItem* edgeItem(const Edge& edge) const;
    GroupFrameItem* frameItem(const std::string& group) const;
    BlockItem* blockItem(const std::string& group) const;
    // Where a wire of this port of `node` ends: the node's own port, or the
    // port of the collapsed block holding the node. nullptr if none shows it.
    PortItem* portItem(NodeId node, PortItem::Direction direction, int port) const;

    // Selected nodes, counting the hidden nodes of selected collapsed blocks.
    std::vector<NodeId> selectedNodeIds() const;
    std::vector<Edge> selectedEdges() const;
    // Nodes of a collapsed group are selected through its block.
    void selectOnly(NodeId id);
    void selectNodes(const std::vector<NodeId>& ids);
    void selectGroup(const std::string& group);
    // The node or wire under `scenePos` (a port counts as its node).
    NodeItem* nodeItemAt(QPointF scenePos) const;
    EdgeItem* edgeItemAt(QPointF scenePos) const;
    // The collapsed block or the label of a group's frame under `scenePos`.
    BlockItem* blockItemAt(QPointF scenePos) const;
    GroupFrameItem* frameItemAt(QPointF scenePos) const;

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
    // Pushes a SetGroupCollapsedCommand unless the group is so already.
    void setGroupCollapsed(const std::string& group, bool collapsed);
    // Stamps a copy of `block` with its top-left at `topLeft` and selects
    // it; or returns why not, which the status bar shows too.
    QString insertBlock(const BlockDefinition& block, QPointF topLeft);
    // Called by a NodeItem whose position changed: its edges (and its
    // group's frame) follow.
    void nodeItemMoved(NodeId id);
    // Called by a BlockItem dragged by `delta`: its hidden nodes go along,
    // so releasing the mouse moves them all in one step.
    void blockItemMoved(const std::string& group, QPointF delta);

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
    // Frames for expanded groups, blocks for collapsed ones, node and wire
    // visibility to match.
    void syncGroups();
    // The frame or block of the group holding `id` follows its nodes.
    void refreshGroupOf(NodeId id);
    void refreshBlockItem(BlockItem* block);
    QRectF membersRect(const NodeGroup& group) const;
    // The collapsed block standing for `id`, if its group is collapsed.
    BlockItem* collapsedBlockOf(NodeId id) const;

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
    std::map<std::string, GroupFrameItem*> m_frames;
    std::map<std::string, BlockItem*> m_blocks;
    bool m_snapToGrid = false;
    bool m_draggingNodes = false;
    bool m_movingMembers = false; // a dragged block moves its nodes: no snapping
    PortItem* m_wireStart = nullptr;
    PortItem* m_wireTarget = nullptr;
    QGraphicsPathItem* m_wire = nullptr;
};

} // namespace lepton
