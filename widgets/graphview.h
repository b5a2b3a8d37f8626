#pragma once

#include "graph/graph.h"

#include <QGraphicsView>

#include <optional>

namespace lepton {

class EdgeItem;
class GraphScene;

// The canvas view: Ctrl+wheel zooms around the cursor, the middle button
// pans, layers dropped from the palette become nodes where they land (or
// join the wire they are dropped on), blocks dropped from it a copy there,
// right-clicks ask for a context menu.
class GraphView : public QGraphicsView {
    Q_OBJECT

public:
    explicit GraphView(GraphScene* scene, QWidget* parent = nullptr);

    GraphScene* graphScene() const { return m_scene; }
    qreal zoom() const;
    // The scene point in the middle of the viewport.
    QPointF centre() const;
    // Zoom (clamped to what the view allows) and centre, e.g. from a file.
    void setViewState(qreal zoom, QPointF centre);

    // Adds a layer centred on `scenePos` and selects it; returns its id, or 0
    // for an unknown type.
    NodeId addLayer(const QString& type, QPointF scenePos);
    // Zoom never drops below this when fitting, so node text stays legible;
    // a larger graph is then shown in part.
    static constexpr qreal kMinFitZoom = 0.6;

public Q_SLOTS:
    // Adds a layer to the right of the selected node (the rightmost one), or
    // in the middle of the view without a selection, moved down past any
    // node it would cover.
    void addLayerBesideSelection(const QString& type);
    // Inserts a copy of the block in `payload` (kBlockMimeType) the same way.
    void insertBlockBesideSelection(const QByteArray& payload);
    void zoomIn();
    void zoomOut();
    // Shows the whole graph; keeps refitting as the view is resized until
    // the user zooms or pans.
    void fitToContents();

Q_SIGNALS:
    // A right-click (or the menu key) at `viewPos` in the viewport.
    void contextMenuRequested(QPoint viewPos, QPoint globalPos);
    // A short message for the status bar (why a dropped block was refused).
    void statusMessage(const QString& message);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setZoom(qreal zoom);
    void zoomBy(qreal factor);
    void fitNow();
    // The wire a layer of `type` dropped at `viewPos` would join, if any.
    EdgeItem* insertionWire(const QString& type, QPoint viewPos) const;
    void setDropWire(EdgeItem* wire);
    // `topLeft`, moved down until a node of `type` there covers no other.
    QPointF freeSpot(const QString& type, QPointF topLeft) const;
    // Right of the rightmost selected node, or the middle of the view.
    QPointF besideSelection() const;
    // Inserts the block in `payload` with its top-left at `topLeft`; false
    // (and the reason in the status bar) if it cannot.
    bool insertBlock(const QByteArray& payload, QPointF topLeft);

    GraphScene* m_scene;
    bool m_panning = false;
    QPoint m_panOrigin;
    bool m_fitOnResize = false;
    std::optional<Edge> m_dropWire;
};

} // namespace lepton
