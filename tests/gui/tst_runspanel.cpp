// The Runs panel on real runs trained in the window: the table, the overlay
// of two runs, their settings side by side, and the edits it makes.
#include "commands/replacegraphcommand.h"
#include "commands/settrainingcommand.h"
#include "common/guitestutil.h"
#include "qcustomplotheader.h"
#include "runspanel.h"
#include "trainingdashboard.h"
#include "sweepdialog.h"
#include "trainingsession.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>


using namespace lepton;
using namespace lepton::testing;

namespace {

// Trains the open project once, to its end.
bool trainOnce(MainWindow& window)
{
    action(window, "actionTrain")->trigger();
    if (!window.session()->isActive())
        return false;
    return QTest::qWaitFor([&window] { return !window.session()->isActive(); }, 60000)
        && window.session()->state() == TrainerState::Finished;
}

QString cellText(const RunsPanel& panel, int row, int column)
{
    return panel.table()->model()->index(row, column).data().toString();
}

} // namespace

class TestRunsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { useScratchSettings(m_settings, QStringLiteral("tst_runspanel")); }
    void twoRunsOverlaidAndCompared();
    void aSweepFromTheMenuAppliesItsBestTrial();
    void theDashboardFollowsARunTheCliTrains();

private:
    QTemporaryDir m_settings;
};

void TestRunsPanel::twoRunsOverlaidAndCompared()
{
    QTemporaryDir dir;
    const QString path = writeSpiralVariant(dir.filePath(QStringLiteral("compared.lepton")), [](nlohmann::json& project) {
        project["training"]["epochs"] = 3;
    });
    MainWindow window;
    window.show();
    QVERIFY(window.files()->openProject(path));
    RunsPanel* panel = window.runsPanel();
    QCOMPARE(panel->table()->model()->rowCount(), 0);

    QVERIFY(trainOnce(window));
    TrainingConfig slower = window.document()->project().training;
    slower.learningRate = 0.001;
    window.document()->undoStack()->push(new SetTrainingCommand(window.document(), slower, QStringLiteral("Set learning_rate")));
    QVERIFY(trainOnce(window));
    QTRY_COMPARE_WITH_TIMEOUT(panel->table()->model()->rowCount(), 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(cellText(*panel, 0, 2) == QStringLiteral("finished")
                                 && cellText(*panel, 1, 2) == QStringLiteral("finished"), 10000);
    QCOMPARE(cellText(*panel, 0, 0), QStringLiteral("run 2")); // newest first
    QCOMPARE(cellText(*panel, 0, 5), QStringLiteral("3/3"));

    // Both selected: one curve each in the plot, the differing setting marked.
    panel->selectRuns({1, 2});
    QCustomPlot* plot = panel->comparisonPlot();
    QCOMPARE(plot->graphCount(), 2);
    QCOMPARE(plot->graph(0)->name(), QStringLiteral("run 1"));
    QCOMPARE(plot->graph(0)->dataCount(), 3);
    QCOMPARE(plot->graph(1)->dataCount(), 3);
    QVERIFY(plot->graph(0)->data()->at(2)->value != plot->graph(1)->data()->at(2)->value);
    QTableWidget* settings = panel->settingsTable();
    QCOMPARE(settings->columnCount(), 2);
    panel->findChild<QCheckBox*>()->setChecked(true); // only differences
    QCOMPARE(settings->rowCount(), 1);
    QCOMPARE(settings->verticalHeaderItem(0)->text(), QStringLiteral("learning_rate"));
    QCOMPARE(settings->item(0, 0)->text(), QStringLiteral("0.01"));
    QCOMPARE(settings->item(0, 1)->text(), QStringLiteral("0.001"));
    QVERIFY(settings->item(0, 0)->font().bold());

    // Filter, rename, tag and note: kept in the history and shown after a reopen.
    panel->filter()->setText(QStringLiteral("0.001"));
    QCOMPARE(panel->table()->model()->rowCount(), 1);
    panel->filter()->clear();
    auto* proxy = static_cast<QSortFilterProxyModel*>(panel->table()->model());
    auto* model = static_cast<QStandardItemModel*>(proxy->sourceModel());
    const QModelIndex firstRun = proxy->mapToSource(proxy->index(1, 0));
    model->itemFromIndex(firstRun)->setText(QStringLiteral("baseline"));
    model->item(firstRun.row(), 1)->setText(QStringLiteral("lr-study"));
    panel->selectRuns({1});
    panel->notes()->setPlainText(QStringLiteral("the default rate"));
    QTRY_COMPARE_WITH_TIMEOUT(RunHistory((path + ".d").toStdString()).run(1)->notes, std::string("the default rate"), 5000);
    RunHistory history((path + ".d").toStdString());
    QCOMPARE(history.run(1)->name, std::string("baseline"));
    QCOMPARE(history.run(1)->tags, std::string("lr-study"));

    // Restore Graph puts run 1's graph back as one undo step.
    const QString trained = snapshot(window.document()->project());
    window.document()->undoStack()->push(
        new ReplaceGraphCommand(window.document(), Graph(), QStringLiteral("Clear the graph")));
    QCOMPARE(window.document()->graph().nodes().size(), size_t(0));
    panel->selectRuns({1});
    panel->findChild<QPushButton*>(QStringLiteral("restoreRunGraph"))->click();
    QCOMPARE(snapshot(window.document()->project()), trained);
    window.document()->undoStack()->undo();
    QCOMPARE(window.document()->graph().nodes().size(), size_t(0));
    window.document()->undoStack()->redo();
    QCOMPARE(snapshot(window.document()->project()), trained);

    // A new window on the same project shows the same runs.
    MainWindow reopened;
    QVERIFY(reopened.files()->openProject(path));
    QCOMPARE(reopened.runsPanel()->table()->model()->rowCount(), 2);
    QCOMPARE(cellText(*reopened.runsPanel(), 1, 0), QStringLiteral("baseline"));
}

// Train > Sweep runs `lepton sweep` on the saved project; the trials are
// ranked, plotted and in the Runs panel, and Apply Best is one undo step.
void TestRunsPanel::aSweepFromTheMenuAppliesItsBestTrial()
{
    QTemporaryDir dir;
    const QString path = writeSpiralVariant(dir.filePath(QStringLiteral("swept.lepton")), [](nlohmann::json& project) {
        project["training"]["learning_rate"] = 1e-5; // a bad default the sweep should leave
        project["training"]["epochs"] = 6;
    });
    MainWindow window;
    QVERIFY(window.files()->openProject(path));
    action(window, "actionSweep")->trigger();
    auto* dialog = window.findChild<SweepDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->specEditor()->toPlainText().contains(QStringLiteral("\"halving\"")));
    dialog->specEditor()->setPlainText(QStringLiteral(R"({"method": "grid", "metric": "validation_accuracy",
        "parameters": {"learning_rate": {"values": [1e-5, 0.01]}, "fc1.out_features": {"values": [64]}}})"));
    QVERIFY(dialog->runButton()->isEnabled());
    QSignalSpy finished(dialog, &SweepDialog::sweepFinished);
    dialog->runButton()->click();
    QVERIFY(finished.wait(120000));
    QCOMPARE(dialog->resultsTable()->rowCount(), 2);
    QCOMPARE(dialog->resultsTable()->horizontalHeaderItem(5)->text(), QStringLiteral("learning_rate"));
    QCOMPARE(dialog->resultsTable()->item(0, 5)->text(), QStringLiteral("0.01")); // ranked first
    QCOMPARE(dialog->plot()->graph(0)->dataCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(window.runsPanel()->table()->model()->rowCount(), 2, 5000);

    const QString before = snapshot(window.document()->project());
    dialog->applyButton()->click();
    QCOMPARE(window.document()->project().training.learningRate, 0.01);
    QCOMPARE(window.document()->undoStack()->undoText(), QStringLiteral("Apply the best trial of sweep 1"));
    window.document()->undoStack()->undo();
    QCOMPARE(snapshot(window.document()->project()), before);

    // A spec that does not read says why, and Run waits for a good one.
    dialog->specEditor()->setPlainText(QStringLiteral(R"({"method": "bayes", "parameters": {}})"));
    QVERIFY(!dialog->runButton()->isEnabled());
    dialog->close();
}

// `lepton train` in another process writes the history; the window sees the
// run appear and, shown in the dashboard, its curves grow as it trains.
void TestRunsPanel::theDashboardFollowsARunTheCliTrains()
{
    QTemporaryDir dir;
    const QString path = writeSpiralVariant(dir.filePath(QStringLiteral("followed.lepton")), [](nlohmann::json& project) {
        project["training"]["epochs"] = 2000;
    });
    MainWindow window;
    QVERIFY(window.files()->openProject(path));
    QProcess cli;
    cli.start(QCoreApplication::applicationDirPath() + QStringLiteral("/lepton"), {QStringLiteral("train"), path});
    QVERIFY(cli.waitForStarted());
    RunsPanel* panel = window.runsPanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->table()->model()->rowCount(), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(cellText(*panel, 0, 2), QStringLiteral("running"), 20000);
    panel->selectRuns({1});
    panel->findChild<QPushButton*>(QStringLiteral("showRunInDashboard"))->click();
    TrainingDashboard* dashboard = window.dashboard();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->batchPointCount() > 0, 20000);
    QVERIFY2(dashboard->statusText().contains(QStringLiteral("run 1</b> (from the run history)")), qPrintable(dashboard->statusText()));
    const size_t first = dashboard->batchPointCount();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->batchPointCount() > first, 20000); // the next re-read brings more
    cli.kill();
    cli.waitForFinished();
}

QTEST_MAIN(TestRunsPanel)
#include "tst_runspanel.moc"
