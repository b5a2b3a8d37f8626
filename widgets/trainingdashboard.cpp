#include "trainingdashboard.h"

#include "qcustomplotheader.h"
#include "trainingsession.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <vector>

namespace lepton {

namespace {

const QColor kTrainColor(0x2d, 0x7f, 0xf9);
const QColor kValidationColor(0xe8, 0x71, 0x0a);
// Weight of the history in the smoothed batch curves.
constexpr double kSmoothing = 0.9;
const QString kSeparator = QStringLiteral(" &nbsp;·&nbsp; ");

QString formatDuration(double seconds)
{
    const long long total = std::llround(seconds);
    const long long hours = total / 3600;
    const long long minutes = (total / 60) % 60;
    const QChar zero = QLatin1Char('0');
    if (hours > 0)
        return QStringLiteral("%1:%2:%3").arg(hours).arg(minutes, 2, 10, zero).arg(total % 60, 2, 10, zero);
    return QStringLiteral("%1:%2").arg(minutes).arg(total % 60, 2, 10, zero);
}

QString stateName(TrainerState state)
{
    QString name = QString::fromStdString(toString(state));
    if (!name.isEmpty())
        name[0] = name[0].toUpper();
    return name;
}

// Accuracy arrives as a fraction and is NaN for regression tasks.
bool hasAccuracy(double accuracy)
{
    return std::isfinite(accuracy);
}

} // namespace

TrainingDashboard::TrainingDashboard(TrainingSession* session, QWidget* parent)
    : QWidget(parent)
    , m_status(new QLabel(this))
    , m_error(new QLabel(this))
    , m_lossPlot(createPlot(QStringLiteral("lossPlot"), tr("loss")))
    , m_accuracyPlot(createPlot(QStringLiteral("accuracyPlot"), tr("accuracy (%)")))
{
    m_trainLoss.graph = addBatchGraph(m_lossPlot, tr("per batch"), 70, 1.0);
    m_smoothedLoss.graph = addBatchGraph(m_lossPlot, tr("smoothed"), 255, 2.0);
    m_validationLoss = addEpochGraph(m_lossPlot, tr("validation"));
    m_trainAccuracy.graph = addBatchGraph(m_accuracyPlot, tr("per batch"), 70, 1.0);
    m_smoothedAccuracy.graph = addBatchGraph(m_accuracyPlot, tr("smoothed"), 255, 2.0);
    m_validationAccuracy = addEpochGraph(m_accuracyPlot, tr("validation"));
    m_accuracyPlot->yAxis->setRange(0, 102); // room for markers at 100%
    m_lossPlot->installEventFilter(this);
    m_accuracyPlot->installEventFilter(this);

    m_status->setObjectName(QStringLiteral("trainingStatus"));
    m_status->setTextFormat(Qt::RichText);
    m_error->setObjectName(QStringLiteral("trainingError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #d93025;"));
    m_error->hide();

    auto* plots = new QSplitter(Qt::Horizontal, this);
    plots->addWidget(m_lossPlot);
    plots->addWidget(m_accuracyPlot);
    plots->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    layout->addWidget(plots, 1);

    connect(session, &TrainingSession::started, this, &TrainingDashboard::clear);
    connect(session, &TrainingSession::batchReported, this, &TrainingDashboard::addBatch);
    connect(session, &TrainingSession::epochReported, this, &TrainingDashboard::addEpoch);
    connect(session, &TrainingSession::stateChanged, this, &TrainingDashboard::setState);
    connect(session, &TrainingSession::finished, this, &TrainingDashboard::setFinished);
    connect(session, &TrainingSession::eventsDrained, this, &TrainingDashboard::replotIfChanged);
    clear();
}

QString TrainingDashboard::statusText() const
{
    return m_status->text();
}

QString TrainingDashboard::errorText() const
{
    return m_error->text();
}

void TrainingDashboard::clear()
{
    for (BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss, &m_trainAccuracy, &m_smoothedAccuracy}) {
        curve->series.clear();
        curve->graph->data()->clear();
    }
    for (QCPGraph* graph : {m_validationLoss, m_validationAccuracy})
        graph->data()->clear();
    m_state = TrainerState::Idle;
    m_epoch = 0;
    m_epochs = 0;
    m_batch = 0;
    m_batchesPerEpoch = 0;
    m_samplesPerSecond = 0.0;
    m_elapsedSeconds = 0.0;
    m_lastX = 0.0;
    m_summary.clear();
    m_error->clear();
    m_error->hide();
    m_changed = true;
    updateStatus();
    replotIfChanged();
}

void TrainingDashboard::showError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

bool TrainingDashboard::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize && (watched == m_lossPlot || watched == m_accuracyPlot))
        fitLegend(static_cast<QCustomPlot*>(watched));
    return QWidget::eventFilter(watched, event);
}

void TrainingDashboard::fitLegend(QCustomPlot* plot)
{
    QCPLegend* legend = plot->legend;
    std::vector<int> entries; // natural widths; the grid's cells include empty ones
    for (int i = 0; i < legend->elementCount(); ++i) {
        if (QCPAbstractLegendItem* entry = legend->item(i))
            entries.push_back(entry->minimumOuterSizeHint().width());
    }
    // Entries fill rows first: with `columns`, entry i sits in column i % columns.
    auto widthFor = [&](int columns) {
        std::vector<int> widths(size_t(columns), 0);
        for (size_t i = 0; i < entries.size(); ++i)
            widths[i % size_t(columns)] = std::max(widths[i % size_t(columns)], entries[i]);
        int total = legend->margins().left() + legend->margins().right() + (columns - 1) * legend->columnSpacing();
        for (int width : widths)
            total += width;
        return total;
    };
    int columns = std::max(1, int(entries.size()));
    while (columns > 1 && widthFor(columns) > plot->width())
        --columns;
    if (legend->wrap() != columns) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // re-places the entries
        legend->simplify(); // drops the rows and columns left empty
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

QCustomPlot* TrainingDashboard::createPlot(const QString& objectName, const QString& valueLabel)
{
    auto* plot = new QCustomPlot(this);
    plot->setObjectName(objectName);
    plot->setMinimumSize(240, 140);
    plot->xAxis->setLabel(tr("epoch"));
    plot->yAxis->setLabel(valueLabel);
    QFont font = plot->font();
    font.setPointSizeF(8.5);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setTickLabelFont(font);
        axis->setLabelFont(font);
        axis->setBasePen(QPen(QColor(0x9a, 0xa3, 0xb0)));
        axis->setTickPen(QPen(QColor(0x9a, 0xa3, 0xb0)));
        axis->setSubTickPen(QPen(QColor(0xc4, 0xc9, 0xd1)));
        axis->grid()->setPen(QPen(QColor(0xe6, 0xe8, 0xec)));
    }
    plot->xAxis->setRange(0, 1);
    // The legend goes in a row above the axes, where it never hides a curve.
    plot->legend->setVisible(true);
    plot->legend->setFont(font);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setIconSize(22, 10);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->legend->setMargins(QMargins(0, 2, 0, 0));
    return plot;
}

QCPGraph* TrainingDashboard::addBatchGraph(QCustomPlot* plot, const QString& name, int alpha, double width)
{
    QCPGraph* graph = plot->addGraph();
    graph->setName(name);
    // Faded by mixing with the white background rather than by transparency:
    // a translucent zigzag of thousands of segments is stroked as one path,
    // which costs the raster engine a hundred times more.
    const double weight = alpha / 255.0;
    const auto mix = [weight](int channel) { return int(std::lround(weight * channel + (1.0 - weight) * 255)); };
    const QColor color(mix(kTrainColor.red()), mix(kTrainColor.green()), mix(kTrainColor.blue()));
    graph->setPen(QPen(color, width));
    return graph;
}

QCPGraph* TrainingDashboard::addEpochGraph(QCustomPlot* plot, const QString& name)
{
    QCPGraph* graph = plot->addGraph();
    graph->setName(name);
    graph->setPen(QPen(kValidationColor, 2.0));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kValidationColor, Qt::white, 7));
    return graph;
}

void TrainingDashboard::addBatch(const BatchMetrics& metrics)
{
    const double x = metrics.epoch - 1
        + (metrics.batchesPerEpoch > 0 ? double(metrics.batch) / double(metrics.batchesPerEpoch) : 0.0);
    auto smooth = [](double average, double value, bool first) {
        return first ? value : kSmoothing * average + (1.0 - kSmoothing) * value;
    };
    if (std::isfinite(metrics.loss)) {
        m_lossAverage = smooth(m_lossAverage, metrics.loss, m_trainLoss.series.size() == 0);
        m_trainLoss.series.append(x, metrics.loss);
        m_smoothedLoss.series.append(x, m_lossAverage);
    }
    if (hasAccuracy(metrics.accuracy)) {
        const double percent = metrics.accuracy * 100.0;
        m_accuracyAverage = smooth(m_accuracyAverage, percent, m_trainAccuracy.series.size() == 0);
        m_trainAccuracy.series.append(x, percent);
        m_smoothedAccuracy.series.append(x, m_accuracyAverage);
    }
    m_lastX = std::max(m_lastX, x);
    m_epoch = metrics.epoch;
    m_batch = metrics.batch;
    m_batchesPerEpoch = metrics.batchesPerEpoch;
    m_samplesPerSecond = metrics.samplesPerSecond;
    m_elapsedSeconds = metrics.elapsedSeconds;
    m_changed = true;
}

void TrainingDashboard::addEpoch(const EpochMetrics& metrics)
{
    if (metrics.validationLoss)
        m_validationLoss->addData(metrics.epoch, *metrics.validationLoss);
    if (metrics.validationAccuracy && hasAccuracy(*metrics.validationAccuracy))
        m_validationAccuracy->addData(metrics.epoch, *metrics.validationAccuracy * 100.0);
    m_lastX = std::max(m_lastX, double(metrics.epoch));
    m_epoch = metrics.epoch;
    m_epochs = metrics.epochs;
    m_samplesPerSecond = metrics.samplesPerSecond;
    m_elapsedSeconds = metrics.elapsedSeconds;
    m_changed = true;
}

void TrainingDashboard::setState(TrainerState state, const QString& message)
{
    m_state = state;
    if (state == TrainerState::Failed)
        showError(message.isEmpty() ? tr("Training failed.") : message);
    m_changed = true;
}

void TrainingDashboard::setFinished(const TrainingSummary& summary)
{
    QStringList parts;
    parts << (summary.epochsCompleted == 1
                  ? tr("1 epoch in %1").arg(formatDuration(summary.seconds))
                  : tr("%1 epochs in %2").arg(summary.epochsCompleted).arg(formatDuration(summary.seconds)));
    parts << tr("%1 samples/s").arg(QLocale().toString(qlonglong(std::llround(summary.samplesPerSecond))));
    if (summary.testAccuracy && hasAccuracy(*summary.testAccuracy))
        parts << tr("test accuracy %1%").arg(*summary.testAccuracy * 100.0, 0, 'f', 1);
    if (summary.testLoss)
        parts << tr("test loss %1").arg(*summary.testLoss, 0, 'g', 4);
    if (!summary.device.empty())
        parts << QString::fromStdString(summary.device);
    m_summary = parts.join(kSeparator);
    m_changed = true;
}

void TrainingDashboard::replotIfChanged()
{
    if (!m_changed)
        return;
    m_changed = false;
    updateStatus();

    const double xMax = std::max(1.0, m_epochs > 0 ? double(m_epochs) : std::ceil(m_lastX));
    m_lossPlot->xAxis->setRange(0, xMax);
    m_accuracyPlot->xAxis->setRange(0, xMax);
    for (BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss, &m_trainAccuracy, &m_smoothedAccuracy})
        showDecimated(*curve);
    double lossMax = 0.0;
    for (const BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss}) {
        if (const auto range = curve->series.valueRange())
            lossMax = std::max(lossMax, range->second);
    }
    bool found = false;
    const QCPRange validationRange = m_validationLoss->getValueRange(found);
    if (found)
        lossMax = std::max(lossMax, validationRange.upper);
    m_lossPlot->yAxis->setRange(0, lossMax > 0 ? lossMax * 1.08 : 1.0);
    m_lossPlot->replot(QCustomPlot::rpQueuedReplot);
    m_accuracyPlot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingDashboard::showDecimated(BatchCurve& curve)
{
    const QCPAxis* x = curve.graph->keyAxis();
    // A slice a pixel, each adding its lowest and highest point.
    const int columns = std::max(1, x->axisRect()->width());
    QVector<QCPGraphData> shown;
    for (const MinMaxSeries::Point& point : curve.series.decimated(x->range().lower, x->range().upper, columns))
        shown.append(QCPGraphData(point.x, point.y));
    curve.graph->data()->set(shown, true);
}

void TrainingDashboard::updateStatus()
{
    if (m_state == TrainerState::Idle) {
        m_status->setText(tr("<span style='color:#5f6b7a'>No training run yet. Press <b>Train</b> "
                             "to train the model on the project's dataset.</span>"));
        return;
    }
    QStringList parts;
    parts << QStringLiteral("<b>%1</b>").arg(stateName(m_state));
    if (!m_summary.isEmpty()) {
        parts << m_summary; // the run is over: its totals say it all
    } else if (m_epoch > 0) {
        parts << (m_epochs > 0 ? tr("epoch %1 / %2").arg(m_epoch).arg(m_epochs) : tr("epoch %1").arg(m_epoch));
        if (m_batchesPerEpoch > 0 && isActive(m_state))
            parts << tr("batch %1 / %2").arg(m_batch).arg(m_batchesPerEpoch);
        parts << tr("%1 samples/s").arg(QLocale().toString(qlonglong(std::llround(m_samplesPerSecond))));
        parts << tr("%1 elapsed").arg(formatDuration(m_elapsedSeconds));
    }
    m_status->setText(parts.join(kSeparator));
}

} // namespace lepton
