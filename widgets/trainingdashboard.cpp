#include "trainingdashboard.h"

#include "plotinteraction.h"
#include "qcustomplotheader.h"
#include "trainingsession.h"
#include "util/processmemory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSlider>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace lepton {

namespace {

const QColor kTrainColor(0x2d, 0x7f, 0xf9);
const QColor kValidationColor(0xe8, 0x71, 0x0a);
const QColor kRateColor(0x8a, 0x93, 0xa0);
// The raw batch curve: the train colour faded by mixing with the white
// background rather than by transparency, since a translucent zigzag of
// thousands of segments is stroked as one path, which costs the raster
// engine far more.
const QColor kFadedTrainColor(0xbb, 0xd6, 0xfd);
const QString kSeparator = QStringLiteral(" &nbsp;·&nbsp; ");
// While a run trains, each redraw of the plots takes its time from the run,
// which holds every core, and stalls the run's other threads at their next
// join besides. Redrawn at every drain (30 a second), the plots cost the
// batch-32 CNN 18% of its speed on 2 cores; so their redraws are spaced to
// take at most this share of the time, judged by what the last one cost.
constexpr double kRedrawShare = 0.015;
constexpr double kLongestRedrawSpacingMs = 1000.0;
// The status line, rich text laid out anew at each change, follows at its
// own pace: at every drain it cost a small network 3% of its speed.
constexpr double kStatusSpacingMs = 250.0;

// How long is left of `spacingMs` since `since` started; none when it never did.
double msLeft(const QElapsedTimer& since, double spacingMs)
{
    return since.isValid() ? spacingMs - double(since.elapsed()) : 0.0;
}

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
    , m_xAxis(new QComboBox(this))
    , m_smoothing(new QSlider(Qt::Horizontal, this))
    , m_logLoss(new QCheckBox(tr("Log loss"), this))
    , m_perEpoch(new QCheckBox(tr("Per epoch"), this))
    , m_lossPlot(createPlot(QStringLiteral("lossPlot"), tr("loss")))
    , m_accuracyPlot(createPlot(QStringLiteral("accuracyPlot"), tr("accuracy (%)")))
    , m_lossInteraction(new PlotInteraction(m_lossPlot))
    , m_accuracyInteraction(new PlotInteraction(m_accuracyPlot))
{
    m_trainLoss.graph = addBatchGraph(m_lossPlot, tr("per batch"), kFadedTrainColor, 1.0);
    m_smoothedLoss.graph = addBatchGraph(m_lossPlot, tr("smoothed"), kTrainColor, 2.0);
    m_validationLoss = addEpochGraph(m_lossPlot, tr("validation"));
    m_epochLoss = addEpochGraph(m_lossPlot, tr("training"));
    m_learningRate.graph = m_lossPlot->addGraph(m_lossPlot->xAxis, m_lossPlot->yAxis2);
    m_learningRate.graph->setName(tr("learning rate"));
    m_learningRate.graph->setPen(QPen(kRateColor, 1.5, Qt::DashLine));
    m_lossPlot->yAxis2->setVisible(true);
    m_lossPlot->yAxis2->setLabel(tr("learning rate"));
    m_lossPlot->yAxis2->setTickLabelFont(m_lossPlot->yAxis->tickLabelFont());
    m_lossPlot->yAxis2->setLabelFont(m_lossPlot->yAxis->labelFont());
    m_trainAccuracy.graph = addBatchGraph(m_accuracyPlot, tr("per batch"), kFadedTrainColor, 1.0);
    m_smoothedAccuracy.graph = addBatchGraph(m_accuracyPlot, tr("smoothed"), kTrainColor, 2.0);
    m_validationAccuracy = addEpochGraph(m_accuracyPlot, tr("validation"));
    m_epochAccuracy = addEpochGraph(m_accuracyPlot, tr("training"));
    for (QCPGraph* graph : {m_epochLoss, m_epochAccuracy}) {
        graph->setPen(QPen(kTrainColor, 2.0));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kTrainColor, Qt::white, 7));
    }
    setPerEpoch(false);
    m_lossPlot->installEventFilter(this);
    m_accuracyPlot->installEventFilter(this);
    for (PlotInteraction* interaction : {m_lossInteraction, m_accuracyInteraction})
        connect(interaction, &PlotInteraction::fitRequested, this, &TrainingDashboard::replot);

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
    layout->addWidget(createControls());
    layout->addWidget(plots, 1);

    connect(session, &TrainingSession::started, this, &TrainingDashboard::clear);
    connect(session, &TrainingSession::batchReported, this, &TrainingDashboard::addBatch);
    connect(session, &TrainingSession::epochReported, this, &TrainingDashboard::addEpoch);
    connect(session, &TrainingSession::stateChanged, this, &TrainingDashboard::setState);
    connect(session, &TrainingSession::finished, this, &TrainingDashboard::setFinished);
    connect(session, &TrainingSession::eventsDrained, this, &TrainingDashboard::replotIfChanged);
    m_pendingRedraw.setSingleShot(true);
    connect(&m_pendingRedraw, &QTimer::timeout, this, &TrainingDashboard::replotIfChanged);
    clear();
}

QWidget* TrainingDashboard::createControls()
{
    auto* controls = new QWidget(this);
    auto* row = new QHBoxLayout(controls);
    row->setContentsMargins(0, 0, 0, 0);
    m_xAxis->setObjectName(QStringLiteral("dashboardXAxis"));
    m_xAxis->addItem(tr("by epoch"));
    m_xAxis->addItem(tr("by step"));
    m_xAxis->addItem(tr("by time"));
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, [this](int index) { setXAxis(XAxis(index)); });
    m_smoothing->setObjectName(QStringLiteral("dashboardSmoothing"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(static_cast<int>(std::lround(m_smoothingWeight * 100)));
    m_smoothing->setMaximumWidth(140);
    m_smoothing->setToolTip(tr("Smoothing of the batch curves (exponential moving average)"));
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) { setSmoothing(value / 100.0); });
    m_logLoss->setObjectName(QStringLiteral("dashboardLogLoss"));
    connect(m_logLoss, &QCheckBox::toggled, this, &TrainingDashboard::setLogLoss);
    m_perEpoch->setObjectName(QStringLiteral("dashboardPerEpoch"));
    m_perEpoch->setToolTip(tr("Training loss and accuracy as each epoch's mean instead of per batch"));
    connect(m_perEpoch, &QCheckBox::toggled, this, &TrainingDashboard::setPerEpoch);
    auto* fit = new QToolButton(this);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Show all of both plots again (or double-click a plot)"));
    connect(fit, &QToolButton::clicked, this, [this] {
        m_lossInteraction->fit();
        m_accuracyInteraction->fit();
    });
    auto* save = new QToolButton(this);
    save->setObjectName(QStringLiteral("dashboardExport"));
    save->setText(tr("Export"));
    save->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(save);
    menu->addAction(tr("Loss Plot as PNG, SVG or PDF\u2026"), this, [this] { exportPlot(m_lossPlot); });
    menu->addAction(tr("Accuracy Plot as PNG, SVG or PDF\u2026"), this, [this] { exportPlot(m_accuracyPlot); });
    save->setMenu(menu);
    row->addWidget(new QLabel(tr("x axis"), this));
    row->addWidget(m_xAxis);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Smoothing"), this));
    row->addWidget(m_smoothing);
    row->addSpacing(12);
    row->addWidget(m_logLoss);
    row->addWidget(m_perEpoch);
    row->addStretch(1);
    row->addWidget(fit);
    row->addWidget(save);
    return controls;
}

void TrainingDashboard::setXAxis(XAxis axis)
{
    m_xAxis->setCurrentIndex(int(axis));
    const QString label = axis == XAxis::Step ? tr("step") : axis == XAxis::Time ? tr("seconds") : tr("epoch");
    m_lossPlot->xAxis->setLabel(label);
    m_accuracyPlot->xAxis->setLabel(label);
    m_lossInteraction->fit();
    m_accuracyInteraction->fit();
}

void TrainingDashboard::setSmoothing(double weight)
{
    m_smoothingWeight = std::clamp(weight, 0.0, 0.99);
    m_smoothing->setValue(static_cast<int>(std::lround(m_smoothingWeight * 100)));
    resmooth();
    replot();
}

void TrainingDashboard::setLogLoss(bool logarithmic)
{
    m_logLoss->setChecked(logarithmic);
    m_lossPlot->yAxis->setScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    m_lossPlot->yAxis->setTicker(logarithmic ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                                             : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_lossInteraction->fit();
}

void TrainingDashboard::showRecordedRun(const QString& name, TrainerState state, const std::vector<BatchMetrics>& batches,
                                        const std::vector<EpochMetrics>& epochs, bool more)
{
    if (!more || name != m_recordedRun)
        clear();
    for (const BatchMetrics& batch : batches)
        addBatch(batch);
    for (auto* points : {&m_validationLosses, &m_validationAccuracies, &m_trainLosses, &m_trainAccuracies})
        points->clear();
    for (const EpochMetrics& epoch : epochs)
        addEpoch(epoch);
    m_state = state;
    m_recordedRun = name;
    markChanged();
    replotIfChanged();
}

void TrainingDashboard::markEditedDuringRun()
{
    if (m_editedDuringRun || !isActive(m_state))
        return;
    m_editedDuringRun = true;
    updateStatus();
}

void TrainingDashboard::setPerEpoch(bool perEpoch)
{
    m_perEpoch->setChecked(perEpoch);
    for (BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss, &m_trainAccuracy, &m_smoothedAccuracy})
        curve->graph->setVisible(!perEpoch);
    for (QCPGraph* graph : {m_epochLoss, m_epochAccuracy})
        graph->setVisible(perEpoch);
    m_smoothing->setEnabled(!perEpoch);
    // The legend lists the series this view shows, in the plot's order.
    for (QCustomPlot* plot : {m_lossPlot, m_accuracyPlot}) {
        plot->legend->clearItems();
        for (int i = 0; i < plot->graphCount(); ++i) {
            if (plot->graph(i)->visible())
                plot->graph(i)->addToLegend();
        }
        plot->legend->setWrap(0); // fitLegend places the entries afresh
        fitLegend(plot);
    }
    replot();
}

void TrainingDashboard::resmooth()
{
    const auto smooth = [this](const MinMaxSeries& raw, MinMaxSeries& smoothed) {
        smoothed.clear();
        double average = 0.0;
        for (const MinMaxSeries::Point& point : raw.points()) {
            average = smoothed.size() == 0 ? point.y : m_smoothingWeight * average + (1.0 - m_smoothingWeight) * point.y;
            smoothed.append(point.x, average);
        }
    };
    smooth(m_trainLoss.series, m_smoothedLoss.series);
    smooth(m_trainAccuracy.series, m_smoothedAccuracy.series);
}

void TrainingDashboard::exportPlot(QCustomPlot* plot)
{
    const QString name = plot == m_lossPlot ? QStringLiteral("loss.png") : QStringLiteral("accuracy.png");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), name,
                                                      tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
    if (path.isEmpty())
        return;
    if (const QString problem = lepton::exportPlot(plot, path); !problem.isEmpty())
        QMessageBox::warning(this, tr("Cannot export the plot"), problem);
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
    for (BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss, &m_learningRate, &m_trainAccuracy, &m_smoothedAccuracy}) {
        curve->series.clear();
        curve->graph->data()->clear();
    }
    for (QCPGraph* graph : {m_validationLoss, m_validationAccuracy})
        graph->data()->clear();
    m_validationLosses.clear();
    m_validationAccuracies.clear();
    m_trainLosses.clear();
    m_trainAccuracies.clear();
    m_stepTimes.clear();
    m_timeOffset = 0.0;
    m_firstStep = -1;
    m_firstElapsed = 0.0;
    m_state = TrainerState::Idle;
    m_epoch = 0;
    m_epochs = 0;
    m_batch = 0;
    m_batchesPerEpoch = 0;
    m_samplesPerSecond = 0.0;
    m_elapsedSeconds = 0.0;
    m_lastStep = 0.0;
    m_summary.clear();
    m_editedDuringRun = false;
    m_recordedRun.clear();
    m_error->clear();
    m_error->hide();
    markChanged();
    replotIfChanged();
    // The first figures of what comes next show at once, whatever its state.
    m_sinceStatus.invalidate();
    m_sinceRedraw.invalidate();
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
    plot->legend->setMargins(QMargins(0, 2, 2, 0)); // a little room: the grid rounds its columns up
    return plot;
}

QCPGraph* TrainingDashboard::addBatchGraph(QCustomPlot* plot, const QString& name, const QColor& color, double width)
{
    QCPGraph* graph = plot->addGraph();
    graph->setName(name);
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
    const double step = double(metrics.epoch - 1) * double(metrics.batchesPerEpoch) + double(metrics.batch);
    if (step <= m_lastStep && m_trainLoss.series.size() > 0)
        return; // the curves' x only goes forward
    const auto smoothed = [this](const BatchCurve& raw, const BatchCurve& smooth, double value) {
        return raw.series.size() == 0
            ? value
            : m_smoothingWeight * smooth.series.points().back().y + (1.0 - m_smoothingWeight) * value;
    };
    if (std::isfinite(metrics.loss)) {
        m_smoothedLoss.series.append(step, smoothed(m_trainLoss, m_smoothedLoss, metrics.loss));
        m_trainLoss.series.append(step, metrics.loss);
    }
    if (hasAccuracy(metrics.accuracy)) {
        const double percent = metrics.accuracy * 100.0;
        m_smoothedAccuracy.series.append(step, smoothed(m_trainAccuracy, m_smoothedAccuracy, percent));
        m_trainAccuracy.series.append(step, percent);
    }
    m_learningRate.series.append(step, metrics.learningRate);
    // A resumed run's clock starts again at 0: its time goes on from where the record was.
    double seconds = metrics.elapsedSeconds + m_timeOffset;
    if (!m_stepTimes.empty() && seconds < m_stepTimes.back().second) {
        m_timeOffset = m_stepTimes.back().second - metrics.elapsedSeconds;
        seconds = m_stepTimes.back().second;
    }
    m_stepTimes.emplace_back(step, seconds);
    if (m_firstStep < 0) {
        m_firstStep = static_cast<int64_t>(step);
        m_firstElapsed = metrics.elapsedSeconds;
    }
    m_lastStep = step;
    m_gpuMemoryBytes = metrics.gpuMemoryBytes;
    if (metrics.epochs > 0)
        m_epochs = metrics.epochs;
    m_epoch = metrics.epoch;
    m_batch = metrics.batch;
    m_batchesPerEpoch = metrics.batchesPerEpoch;
    m_samplesPerSecond = metrics.samplesPerSecond;
    m_elapsedSeconds = metrics.elapsedSeconds;
    markChanged();
}

void TrainingDashboard::addEpoch(const EpochMetrics& metrics)
{
    const double seconds = metrics.elapsedSeconds + m_timeOffset;
    m_trainLosses.push_back({metrics.epoch, metrics.trainLoss, seconds});
    if (hasAccuracy(metrics.trainAccuracy))
        m_trainAccuracies.push_back({metrics.epoch, metrics.trainAccuracy * 100.0, seconds});
    if (metrics.validationLoss)
        m_validationLosses.push_back({metrics.epoch, *metrics.validationLoss, seconds});
    if (metrics.validationAccuracy && hasAccuracy(*metrics.validationAccuracy))
        m_validationAccuracies.push_back({metrics.epoch, *metrics.validationAccuracy * 100.0, seconds});
    m_epoch = metrics.epoch;
    m_epochs = metrics.epochs;
    m_samplesPerSecond = metrics.samplesPerSecond;
    m_elapsedSeconds = metrics.elapsedSeconds;
    markChanged();
}

void TrainingDashboard::setState(TrainerState state, const QString& message)
{
    m_state = state;
    if (state == TrainerState::Failed)
        showError(message.isEmpty() ? tr("Training failed.") : message);
    markChanged();
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
    markChanged();
}

void TrainingDashboard::markChanged()
{
    m_plotsChanged = true;
    m_statusChanged = true;
}

void TrainingDashboard::replotIfChanged()
{
    // While a run trains, the status line and the plots each follow at their own pace.
    const bool spaced = m_state == TrainerState::Running;
    const auto wait = [spaced](const QElapsedTimer& since, double spacingMs) {
        return spaced ? msLeft(since, spacingMs) : 0.0;
    };
    if (m_statusChanged && wait(m_sinceStatus, kStatusSpacingMs) <= 0.0) {
        m_statusChanged = false;
        updateStatus();
        m_sinceStatus.start();
    }
    if (m_plotsChanged && wait(m_sinceRedraw, m_redrawSpacingMs) <= 0.0) {
        m_plotsChanged = false;
        redrawPlots();
    }
    double next = std::numeric_limits<double>::infinity();
    if (m_statusChanged)
        next = wait(m_sinceStatus, kStatusSpacingMs);
    if (m_plotsChanged)
        next = std::min(next, wait(m_sinceRedraw, m_redrawSpacingMs));
    if (std::isinf(next)) {
        m_pendingRedraw.stop();
        return;
    }
    // What was drawn above took time from the other's wait, maybe all of it.
    const int nextMs = std::max(0, static_cast<int>(std::ceil(next)));
    if (!m_pendingRedraw.isActive() || m_pendingRedraw.remainingTime() > nextMs)
        m_pendingRedraw.start(nextMs);
}

void TrainingDashboard::redrawPlots()
{
    QElapsedTimer cost;
    cost.start();
    replot();
    // The plots draw after a queued replot: replotTime() is their last drawing.
    const double costMs = double(cost.nsecsElapsed()) / 1e6 + m_lossPlot->replotTime() + m_accuracyPlot->replotTime();
    m_redrawSpacingMs = std::min(kLongestRedrawSpacingMs, costMs / kRedrawShare);
    m_sinceRedraw.start();
}

void TrainingDashboard::replot()
{
    const XAxis axis = XAxis(m_xAxis->currentIndex());
    const double perEpoch = m_batchesPerEpoch > 0 ? double(m_batchesPerEpoch) : 1.0;
    // A plot the user panned or zoomed keeps its view until fitted again.
    const double lastEpoch = m_epochs > 0 ? double(m_epochs) : std::ceil(std::max(1.0, m_lastStep / perEpoch));
    const double xEnd = axis == XAxis::Time ? std::max(1.0, (m_stepTimes.empty() ? 0.0 : m_stepTimes.back().second) * 1.02)
                                            : stepToAxis(lastEpoch * perEpoch);
    for (auto [plot, interaction] : {std::pair(m_lossPlot, m_lossInteraction), std::pair(m_accuracyPlot, m_accuracyInteraction)}) {
        if (!interaction->userMoved())
            plot->xAxis->setRange(0, xEnd);
    }
    for (auto [graph, points] : {std::pair(m_validationLoss, &m_validationLosses),
                                 std::pair(m_validationAccuracy, &m_validationAccuracies),
                                 std::pair(m_epochLoss, &m_trainLosses), std::pair(m_epochAccuracy, &m_trainAccuracies)}) {
        QVector<QCPGraphData> shown;
        for (const EpochPoint& point : *points)
            shown.append(QCPGraphData(axis == XAxis::Time ? point.elapsed : stepToAxis(point.epoch * perEpoch), point.value));
        graph->data()->set(shown, true);
    }
    for (BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss, &m_learningRate, &m_trainAccuracy, &m_smoothedAccuracy})
        showDecimated(*curve);

    if (!m_lossInteraction->userMoved()) {
        double low = INFINITY, high = 0.0;
        for (const BatchCurve* curve : {&m_trainLoss, &m_smoothedLoss}) {
            if (const auto range = curve->series.valueRange()) {
                low = std::min(low, range->first);
                high = std::max(high, range->second);
            }
        }
        for (const auto* points : {&m_validationLosses, &m_trainLosses}) {
            for (const EpochPoint& point : *points) {
                low = std::min(low, point.value);
                high = std::max(high, point.value);
            }
        }
        if (m_logLoss->isChecked() && std::isfinite(low) && low > 0)
            m_lossPlot->yAxis->setRange(low / 1.3, high * 1.3);
        else
            m_lossPlot->yAxis->setRange(0, high > 0 ? high * 1.08 : 1.0);
        const auto rate = m_learningRate.series.valueRange();
        m_lossPlot->yAxis2->setRange(0, rate && rate->second > 0 ? rate->second * 1.08 : 1.0);
    }
    if (!m_accuracyInteraction->userMoved())
        m_accuracyPlot->yAxis->setRange(0, 102); // room for markers at 100%
    m_lossPlot->replot(QCustomPlot::rpQueuedReplot);
    m_accuracyPlot->replot(QCustomPlot::rpQueuedReplot);
}

double TrainingDashboard::stepToAxis(double step) const
{
    switch (XAxis(m_xAxis->currentIndex())) {
    case XAxis::Step:
        return step;
    case XAxis::Time: {
        const auto at = std::lower_bound(m_stepTimes.begin(), m_stepTimes.end(), step,
                                         [](const auto& known, double s) { return known.first < s; });
        return at == m_stepTimes.end() ? (m_stepTimes.empty() ? 0.0 : m_stepTimes.back().second) : at->second;
    }
    case XAxis::Epoch:
        break;
    }
    return step / (m_batchesPerEpoch > 0 ? double(m_batchesPerEpoch) : 1.0);
}

double TrainingDashboard::axisToStep(double x) const
{
    switch (XAxis(m_xAxis->currentIndex())) {
    case XAxis::Step:
        return x;
    case XAxis::Time: {
        // Steps' times only grow, so the step shown at time x is found by bisection.
        const auto at = std::lower_bound(m_stepTimes.begin(), m_stepTimes.end(), x,
                                         [](const auto& known, double t) { return known.second < t; });
        if (at == m_stepTimes.end())
            return m_stepTimes.empty() ? 0.0 : m_stepTimes.back().first + 1.0;
        return at->first;
    }
    case XAxis::Epoch:
        break;
    }
    return x * (m_batchesPerEpoch > 0 ? double(m_batchesPerEpoch) : 1.0);
}

void TrainingDashboard::showDecimated(BatchCurve& curve)
{
    const QCPAxis* x = curve.graph->keyAxis();
    // A slice a pixel, each adding its lowest and highest point (by time, the
    // slices are equal in steps: equal in time while batches take as long).
    const int columns = std::max(1, x->axisRect()->width());
    QVector<QCPGraphData> shown;
    for (const MinMaxSeries::Point& point :
         curve.series.decimated(axisToStep(x->range().lower), axisToStep(x->range().upper), columns))
        shown.append(QCPGraphData(stepToAxis(point.x), point.y));
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
    if (!m_recordedRun.isEmpty())
        parts << tr("<b>%1</b> (from the run history)").arg(m_recordedRun.toHtmlEscaped());
    parts << QStringLiteral("<b>%1</b>").arg(stateName(m_state));
    if (!m_summary.isEmpty()) {
        parts << m_summary; // the run is over: its totals say it all
    } else if (m_epoch > 0) {
        parts << (m_epochs > 0 ? tr("epoch %1 / %2").arg(m_epoch).arg(m_epochs) : tr("epoch %1").arg(m_epoch));
        if (m_batchesPerEpoch > 0 && isActive(m_state))
            parts << tr("batch %1 / %2").arg(m_batch).arg(m_batchesPerEpoch);
        parts << tr("%1 samples/s").arg(QLocale().toString(qlonglong(std::llround(m_samplesPerSecond))));
        parts << tr("%1 elapsed").arg(formatDuration(m_elapsedSeconds));
        const double done = m_lastStep - double(m_firstStep);
        if (isActive(m_state) && m_epochs > 0 && done > 0 && m_elapsedSeconds > m_firstElapsed) {
            const double left = double(m_epochs) * double(m_batchesPerEpoch) - m_lastStep;
            parts << tr("%1 left").arg(formatDuration(left * (m_elapsedSeconds - m_firstElapsed) / done));
        }
        if (m_recordedRun.isEmpty()) // this process's memory says nothing of another's run
            parts << tr("%1 MB").arg(QLocale().toString(qlonglong(std::llround(residentMemoryBytes() / 1e6))));
        if (m_gpuMemoryBytes > 0 && m_recordedRun.isEmpty())
            parts << tr("GPU %1 MB").arg(QLocale().toString(qlonglong(std::llround(m_gpuMemoryBytes / 1e6))));
    }
    if (m_editedDuringRun && isActive(m_state))
        parts << tr("<i>trains the project as it was when the run started; your edits are for the next run</i>");
    m_status->setText(parts.join(kSeparator));
}

} // namespace lepton
