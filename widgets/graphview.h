#pragma once

#include "graph/graph.h"

#include <QGraphicsView>

namespace lepton {

class GraphScene;

// The canvas view: Ctrl+wheel zooms around the cursor, the middle button
// pans, layers dropped from the palette become nodes where they land.
class GraphView : public QGraphicsView {
    Q_OBJECT

public:
    explicit GraphView(GraphScene* scene, QWidget* parent = nullptr);

    GraphScene* graphScene() const { return m_scene; }
    qreal zoom() const;

    // Adds a layer centred on `scenePos` and selects it; returns its id, or 0
    // for an unknown type.
    NodeId addLayer(const QString& type, QPointF scenePos);

public Q_SLOTS:
    // Adds a layer in the middle of the visible area.
    void addLayerAtCentre(const QString& type);
    void zoomIn();
    void zoomOut();
    // Shows the whole graph; keeps refitting as the view is resized until
    // the user zooms or pans.
    void fitToContents();

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setZoom(qreal zoom);
    void zoomBy(qreal factor);
    void fitNow();

    GraphScene* m_scene;
    bool m_panning = false;
    QPoint m_panOrigin;
    bool m_fitOnResize = false;
};

} // namespace lepton
