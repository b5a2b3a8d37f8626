#include "plotinteraction.h"

#include "qcustomplotheader.h"

#include <QFileInfo>
#include <QSvgGenerator>

#include <cmath>

namespace lepton {
namespace {

// The value of `graph` at the data point nearest to `key`.
std::optional<double> valueNear(const QCPGraph* graph, double key)
{
    const auto data = graph->data();
    if (data->isEmpty())
        return std::nullopt;
    auto it = data->findBegin(key, false);
    if (it == data->constEnd())
        --it;
    if (it != data->constBegin()) {
        auto before = it - 1;
        if (std::abs(before->key - key) < std::abs(it->key - key))
            it = before;
    }
    return it->value;
}

} // namespace

PlotInteraction::PlotInteraction(QCustomPlot* plot)
    : QObject(plot)
    , m_plot(plot)
    , m_line(new QCPItemStraightLine(plot))
    , m_readout(new QCPItemText(plot))
{
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
    plot->axisRect()->setRangeDragAxes({plot->xAxis}, {plot->yAxis, plot->yAxis2});
    plot->axisRect()->setRangeZoomAxes({plot->xAxis}, {plot->yAxis, plot->yAxis2});
    m_line->setPen(QPen(QColor(0x5f, 0x6b, 0x7a), 1.0, Qt::DashLine));
    m_line->setVisible(false);
    m_line->setSelectable(false);
    m_readout->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_readout->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_readout->position->setCoords(0.01, 0.02);
    m_readout->setTextAlignment(Qt::AlignLeft);
    m_readout->setPadding(QMargins(4, 2, 4, 2));
    m_readout->setBrush(QColor(255, 255, 255, 225));
    m_readout->setPen(QPen(QColor(0xc4, 0xc9, 0xd1)));
    m_readout->setVisible(false);
    m_readout->setSelectable(false);

    connect(plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (event->buttons() & Qt::LeftButton)
            m_userMoved = true; // a drag pans
        showCrosshair(event);
    });
    connect(plot, &QCustomPlot::mouseWheel, this, [this] { m_userMoved = true; });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this] { fit(); });
    connect(plot, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
        auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
        if (!entry)
            return;
        QCPAbstractPlottable* series = entry->plottable();
        series->setVisible(!series->visible());
        entry->setTextColor(series->visible() ? Qt::black : QColor(0xb0, 0xb5, 0xbd));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
}

void PlotInteraction::fit()
{
    m_userMoved = false;
    Q_EMIT fitRequested();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotInteraction::showCrosshair(QMouseEvent* event)
{
    QCPAxisRect* rect = m_plot->axisRect();
    const bool inside = rect->rect().contains(event->pos());
    m_line->setVisible(inside);
    m_readout->setVisible(inside);
    if (inside) {
        const double key = m_plot->xAxis->pixelToCoord(event->pos().x());
        m_line->point1->setCoords(key, 0);
        m_line->point2->setCoords(key, 1);
        QStringList lines{QStringLiteral("%1 %2").arg(m_plot->xAxis->label()).arg(key, 0, 'g', 4)};
        for (int i = 0; i < m_plot->graphCount(); ++i) {
            const QCPGraph* graph = m_plot->graph(i);
            if (!graph->visible())
                continue;
            if (const std::optional<double> value = valueNear(graph, key))
                lines << QStringLiteral("%1: %2").arg(graph->name()).arg(*value, 0, 'g', 4);
        }
        m_readout->setText(lines.join(QLatin1Char('\n')));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString exportPlot(QCustomPlot* plot, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool written = false;
    if (suffix == QLatin1String("png")) {
        written = plot->savePng(path, 0, 0, 2.0); // twice the screen's pixels
    } else if (suffix == QLatin1String("pdf")) {
        written = plot->savePdf(path);
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(plot->size());
        svg.setViewBox(plot->rect());
        svg.setTitle(plot->objectName());
        QCPPainter painter;
        written = painter.begin(&svg);
        if (written) {
            plot->toPainter(&painter, plot->width(), plot->height());
            written = painter.end();
        }
    } else {
        return QObject::tr("%1: unknown image type; use .png, .svg or .pdf").arg(path);
    }
    return written ? QString() : QObject::tr("%1: could not be written").arg(path);
}

} // namespace lepton
