// The training dashboard's controls on batches delivered as a session
// delivers them: axes, smoothing, log scale, legend, crosshair and export.
#include "common/guitestutil.h"
#include "qcustomplotheader.h"
#include "trainingdashboard.h"
#include "plotinteraction.h"
#include "trainingsession.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace lepton;
using namespace lepton::testing;

namespace {

constexpr int kPerEpoch = 50;

// Batch `batch` of epoch `epoch` in a run of `epochs`, kPerEpoch batches each.
BatchMetrics batchAt(int epoch, int batch, int epochs, double loss)
{
    BatchMetrics m;
    m.epoch = epoch;
    m.batch = batch;
    m.batchesPerEpoch = kPerEpoch;
    m.epochs = epochs;
    m.loss = loss;
    m.accuracy = 0.5;
    m.learningRate = 0.01 / epoch;
    m.elapsedSeconds = 0.01 * ((epoch - 1) * kPerEpoch + batch);
    return m;
}

void deliver(TrainingSession& session, int epochs)
{
    Q_EMIT session.stateChanged(TrainerState::Running, QString());
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        for (int batch = 1; batch <= kPerEpoch; ++batch) // a zigzag that smoothing evens out
            Q_EMIT session.batchReported(batchAt(epoch, batch, 4, batch % 2 ? 2.0 / epoch : 1.0 / epoch));
        EpochMetrics e;
        e.epoch = epoch;
        e.epochs = 4;
        e.trainLoss = 1.5 / epoch;
        e.trainAccuracy = 0.5;
        e.validationLoss = 1.0 / epoch;
        e.validationAccuracy = 0.6;
        e.elapsedSeconds = 0.01 * epoch * kPerEpoch;
        Q_EMIT session.epochReported(e);
        Q_EMIT session.eventsDrained();
    }
}

// The largest jump between neighbouring points of the smoothed loss curve
// within epoch 2.
double largestJump(const TrainingDashboard& dashboard)
{
    double jump = 0.0, previous = NAN;
    for (const QCPGraphData& point : *dashboard.lossPlot()->graph(1)->data()) {
        if (point.key > 1.0 && point.key <= 2.0) {
            if (std::isfinite(previous))
                jump = std::max(jump, std::abs(point.value - previous));
            previous = point.value;
        }
    }
    return jump;
}

} // namespace

class TestDashboard : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void controlsChangeWhatIsShown();
    void plotsExportAsPngSvgAndPdf();
    void redrawsAreSpacedWhileARunTrains();
};

void TestDashboard::controlsChangeWhatIsShown()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(1000, 400);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    deliver(session, 2);
    QTRY_VERIFY(!dashboard.redrawPending());
    QCustomPlot* loss = dashboard.lossPlot();
    QCOMPARE(dashboard.batchPointCount(), size_t(2 * kPerEpoch));
    QCOMPARE(loss->xAxis->range().upper, 4.0); // the run's epochs, from the batches
    QVERIFY(dashboard.statusText().contains(QStringLiteral("left")));

    // Smoothing: none follows the zigzag, the default evens it out.
    dashboard.setSmoothing(0.0);
    QCOMPARE(largestJump(dashboard), 0.5);
    dashboard.setSmoothing(0.95);
    QVERIFY2(largestJump(dashboard) < 0.1, qPrintable(QString::number(largestJump(dashboard))));
    QCOMPARE(loss->graph(0)->dataCount(), 2 * kPerEpoch); // the raw curve stays behind

    // By step: the same points, at their step; validation at each epoch's last step.
    dashboard.setXAxis(TrainingDashboard::XAxis::Step);
    QCOMPARE(loss->xAxis->label(), QStringLiteral("step"));
    QCOMPARE(loss->xAxis->range().upper, 4.0 * kPerEpoch);
    QCOMPARE(loss->graph(0)->data()->at(kPerEpoch - 1)->key, double(kPerEpoch));
    QCOMPARE(loss->graph(2)->data()->at(1)->key, 2.0 * kPerEpoch);

    // By time: each batch at its seconds into the run, validation at its epoch's end.
    dashboard.setXAxis(TrainingDashboard::XAxis::Time);
    QCOMPARE(loss->xAxis->label(), QStringLiteral("seconds"));
    QCOMPARE(loss->graph(0)->data()->at(kPerEpoch - 1)->key, 0.01 * kPerEpoch);
    QCOMPARE(loss->graph(2)->data()->at(1)->key, 0.01 * 2 * kPerEpoch);
    QCOMPARE(loss->graph(0)->dataCount(), 2 * kPerEpoch);
    dashboard.setXAxis(TrainingDashboard::XAxis::Epoch);

    // Per epoch: the training means in place of the batch curves, in the legend instead of them.
    dashboard.setPerEpoch(true);
    QCPGraph* epochLoss = loss->graph(3);
    QCOMPARE(epochLoss->name(), QStringLiteral("training"));
    QVERIFY(epochLoss->visible() && !loss->graph(0)->visible() && !loss->graph(1)->visible());
    QCOMPARE(epochLoss->dataCount(), 2);
    QCOMPARE(epochLoss->data()->at(1)->value, 0.75);
    QVERIFY(loss->legend->hasItemWithPlottable(epochLoss) && !loss->legend->hasItemWithPlottable(loss->graph(0)));
    dashboard.setPerEpoch(false);
    QVERIFY(!epochLoss->visible() && loss->graph(0)->visible());

    dashboard.setLogLoss(true);
    QCOMPARE(loss->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(loss->yAxis->range().lower > 0);
    dashboard.setLogLoss(false);

    // The learning rate rides on the right axis.
    QCOMPARE(loss->graph(4)->name(), QStringLiteral("learning rate"));
    QCOMPARE(loss->graph(4)->valueAxis(), loss->yAxis2);

    // A click on a legend entry hides its series, another shows it again.
    loss->replot(QCustomPlot::rpImmediateRefresh);
    QCPAbstractLegendItem* entry = loss->legend->itemWithPlottable(loss->graph(0));
    const QPoint onEntry = entry->outerRect().center();
    QTest::mouseClick(loss, Qt::LeftButton, Qt::NoModifier, onEntry);
    QVERIFY(!loss->graph(0)->visible());
    QTest::mouseClick(loss, Qt::LeftButton, Qt::NoModifier, onEntry);
    QVERIFY(loss->graph(0)->visible());

    // The crosshair reads every visible series at the pointer.
    const QPoint inside(int(loss->xAxis->coordToPixel(1.5)), loss->axisRect()->center().y());
    QMouseEvent move(QEvent::MouseMove, inside, loss->mapToGlobal(inside), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(loss, &move);
    QCPItemText* readout = nullptr;
    for (int i = 0; i < loss->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(loss->item(i)))
            readout = text;
    }
    QVERIFY(readout && readout->visible());
    for (const char* series : {"per batch: ", "smoothed: ", "validation: ", "learning rate: "})
        QVERIFY2(readout->text().contains(QLatin1String(series)), qPrintable(readout->text()));

    // Wheel zoom leaves the view where the user put it until Fit.
    QWheelEvent wheel(inside, loss->mapToGlobal(inside), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(loss, &wheel);
    const QCPRange zoomed = loss->xAxis->range();
    QVERIFY(zoomed.upper < 4.0);
    deliver(session, 1);
    QTRY_VERIFY(!dashboard.redrawPending());
    QCOMPARE(loss->xAxis->range(), zoomed);
    QTest::mouseDClick(loss, Qt::LeftButton, Qt::NoModifier, inside);
    QCOMPARE(loss->xAxis->range().upper, 4.0);

    dashboard.clear();
    QCOMPARE(dashboard.batchPointCount(), size_t(0));
}

// A redraw takes its time from the run: figures arriving right after one
// wait for the next, which comes by itself, and so does the status line;
// a run's end is drawn at once.
void TestDashboard::redrawsAreSpacedWhileARunTrains()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(900, 400);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    Q_EMIT session.stateChanged(TrainerState::Running, QString());
    const auto batch = [&](int step) {
        Q_EMIT session.batchReported(batchAt(1, step, 1, 1.0 / step));
        Q_EMIT session.eventsDrained();
    };
    QCPGraph* rawLoss = dashboard.lossPlot()->graph(0);
    QTRY_VERIFY(!dashboard.redrawPending());
    QElapsedTimer sinceFirst;
    sinceFirst.start();
    batch(1);
    QCOMPARE(rawLoss->dataCount(), 1);
    QVERIFY2(dashboard.statusText().contains(QStringLiteral("batch 1 / 50")), qPrintable(dashboard.statusText()));
    const double plotSpacingMs = dashboard.redrawSpacingMs(); // judged by the redraw just done
    QVERIFY(plotSpacingMs > 0.0);
    batch(2);
    if (double(sinceFirst.elapsed()) < std::min(250.0, plotSpacingMs))
        QVERIFY(dashboard.redrawPending()); // neither's turn yet (a slow machine may be past both)
    // Each shows batch 2 at its own turn, not before: the status line a quarter
    // second after it last changed, the plots their spacing after their last
    // redraw, both of which came after `sinceFirst` started.
    bool statusMoved = false;
    bool plotsMoved = false;
    const QDeadlineTimer deadline(std::chrono::seconds(10));
    while (!(statusMoved && plotsMoved) && !deadline.hasExpired()) {
        QTest::qWait(5);
        const qint64 elapsed = sinceFirst.elapsed();
        statusMoved = dashboard.statusText().contains(QStringLiteral("batch 2 / 50"));
        plotsMoved = rawLoss->dataCount() == 2;
        if (statusMoved)
            QVERIFY2(elapsed >= 250, qPrintable(QString::number(elapsed)));
        if (plotsMoved)
            QVERIFY2(double(elapsed) >= std::floor(plotSpacingMs), qPrintable(QString::number(elapsed)));
    }
    QVERIFY(statusMoved && plotsMoved);
    QTRY_VERIFY(!dashboard.redrawPending());

    batch(3);
    Q_EMIT session.stateChanged(TrainerState::Finished, QString());
    Q_EMIT session.eventsDrained();
    QVERIFY(!dashboard.redrawPending());
    QCOMPARE(rawLoss->dataCount(), 3);
}

void TestDashboard::plotsExportAsPngSvgAndPdf()
{
    TrainingSession session;
    TrainingDashboard dashboard(&session);
    dashboard.resize(900, 400);
    dashboard.show();
    deliver(session, 2);
    QTRY_VERIFY(!dashboard.redrawPending());
    QTemporaryDir dir;
    const QByteArray starts[] = {"\x89PNG", "<?xml", "%PDF"};
    int i = 0;
    for (const char* name : {"loss.png", "loss.svg", "loss.pdf"}) {
        const QString path = dir.filePath(QLatin1String(name));
        QCOMPARE(exportPlot(dashboard.lossPlot(), path), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(file.read(5).startsWith(starts[i++]), name);
    }
    const QString svg = [&] {
        QFile file(dir.filePath(QStringLiteral("loss.svg")));
        file.open(QIODevice::ReadOnly);
        return QString::fromUtf8(file.readAll());
    }();
    QVERIFY(svg.contains(QStringLiteral("learning rate"))); // the axis label, as text
    QVERIFY(exportPlot(dashboard.lossPlot(), dir.filePath(QStringLiteral("loss.bmpx"))).contains(QStringLiteral("use .png, .svg or .pdf")));
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
