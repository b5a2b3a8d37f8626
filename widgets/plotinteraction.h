#pragma once

#include <QObject>
#include <QString>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QMouseEvent;

namespace lepton {

// What the workbench's plots share: drag to pan and wheel to zoom (both
// value axes, left and right, with the keys), double-click to fit, a click on
// a legend entry hides or shows its series, and a crosshair that reads
// every visible series at the pointer. userMoved() tells a live plot to stop
// following new data until fit() (or the double-click) hands it back.
class PlotInteraction : public QObject {
    Q_OBJECT

public:
    explicit PlotInteraction(QCustomPlot* plot);

    // Since the last fit, has the user panned or zoomed?
    bool userMoved() const { return m_userMoved; }
    void fit();

Q_SIGNALS:
    void fitRequested(); // the owner sets the ranges it follows

private:
    void showCrosshair(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCPItemStraightLine* m_line;
    QCPItemText* m_readout;
    bool m_userMoved = false;
};

// Writes `plot` to `path` as PNG, SVG or PDF, by the file's extension;
// returns why not, or an empty string.
QString exportPlot(QCustomPlot* plot, const QString& path);

} // namespace lepton
