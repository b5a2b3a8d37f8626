// The workbench window offscreen: canvas, palette, property panel, file
// handling and Train/Stop. Undo and redo are covered in tests/undo.
#include "commands/renamenodecommand.h"
#include "commands/setparamcommand.h"
#include "common/guitestutil.h"
#include "graph/layerregistry.h"
#include "graphview.h"
#include "layerpalette.h"
#include "layerstyle.h"
#include "parameditor.h"
#include "propertypanel.h"
#include "qcustomplotheader.h"
#include "recentfilesmenu.h"
#include "trainingdashboard.h"
#include "trainingsession.h"

#include <nlohmann/json.hpp>

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTest>
#include <QSignalSpy>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace lepton;
using namespace lepton::testing;

namespace {

// Whether a session log line caught by `logs` contains `text`.
bool logged(const QSignalSpy& logs, const QString& text)
{
    return std::any_of(logs.begin(), logs.end(),
                       [&](const QList<QVariant>& line) { return line.at(0).toString().contains(text); });
}

} // namespace

class TestGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sceneMirrorsGraph_data();
    void sceneMirrorsGraph();
    void paletteDoubleClickAddsAtViewCentre();
    void paramEditorsPushCommands_data();
    void paramEditorsPushCommands();
    void renameRejectsDuplicates();
    void trainNeedsAModel_data();
    void trainNeedsAModel();
    void titleTracksUnsavedChanges();
    void badProjectFileIsReported();
    void recentFilesKeepNewestFirst();
    void deleteKeyOnCanvasRemovesSelection();
    void trainsFromActionAndStops();
    void trainingFailureIsShown();
    void aRunInProgressIsStoppedOnlyWhenConfirmed();
    void shapesReadAtAGlance();

private:
    QTemporaryDir m_dir;
};

void TestGui::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(kSpiral), qPrintable(kSpiral));
    useScratchSettings(m_dir, QStringLiteral("tst_gui"));
}

void TestGui::sceneMirrorsGraph_data()
{
    QTest::addColumn<QString>("project");
    QTest::addColumn<int>("nodes");
    QTest::addColumn<int>("edges");
    QTest::newRow("spiral MLP with a residual") << kSpiral << 8 << 8;
    QTest::newRow("new project") << QString() << 2 << 0;
}

void TestGui::sceneMirrorsGraph()
{
    QFETCH(QString, project);
    QFETCH(int, nodes);
    QFETCH(int, edges);
    MainWindow window;
    if (!project.isEmpty())
        QVERIFY(window.files()->openProject(project));
    QCOMPARE(int(window.document()->graph().nodes().size()), nodes);
    QCOMPARE(int(window.document()->graph().edges().size()), edges);
    QCOMPARE(sceneMismatch(window), QString());

    const LayerRegistry& registry = window.document()->registry();
    for (const Node& node : window.document()->graph().nodes()) {
        const NodeItem* item = window.scene()->nodeItem(node.id);
        for (int port = 0; port < registry.inputCount(node); ++port)
            QVERIFY(item->inputPort(port));
        QVERIFY(!item->inputPort(registry.inputCount(node)));
        for (int port = 0; port < registry.outputCount(node); ++port)
            QVERIFY(item->outputPort(port));
        QVERIFY(!item->outputPort(registry.outputCount(node)));
        // Inputs on the left edge, outputs on the right.
        if (registry.inputCount(node) > 0)
            QCOMPARE(item->inputPort(0)->pos().x(), 0.0);
        if (registry.outputCount(node) > 0)
            QCOMPARE(item->outputPort(0)->pos().x(), NodeItem::kWidth);
    }
}

void TestGui::paletteDoubleClickAddsAtViewCentre()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTreeWidget* tree = window.palette()->tree();
    const QList<QTreeWidgetItem*> found = tree->findItems(QStringLiteral("Linear"), Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    QVERIFY(found.front()->toolTip(0).contains(QStringLiteral("Linear")));
    const QPoint itemCentre = tree->visualItemRect(found.front()).center();
    auto doubleClick = [&] {
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, itemCentre);
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, itemCentre);
    };
    doubleClick();

    const NodeId id = nodeNamed(*window.document(), "linear1");
    QVERIFY(id);
    QCOMPARE(window.document()->undoStack()->count(), 1);
    const QPointF centre = window.view()->mapToScene(window.view()->viewport()->rect().center());
    const QPointF nodeTop = window.scene()->nodeItem(id)->mapToScene(QPointF(NodeItem::kWidth / 2, 0));
    QVERIFY(std::abs(nodeTop.x() - centre.x()) < 1.0);

    // A second one does not land exactly on top of the first.
    doubleClick();
    const NodeId second = nodeNamed(*window.document(), "linear2");
    QVERIFY(second);
    QVERIFY(window.scene()->nodeItem(second)->pos() != window.scene()->nodeItem(id)->pos());
}

void TestGui::paramEditorsPushCommands_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("input");    // typed into the editor, or "toggle"
    QTest::addColumn<QString>("expected"); // the param afterwards, as JSON
    QTest::addColumn<bool>("accepted");
    QTest::newRow("Int: spin box") << "Linear" << "out_features" << "32" << "32" << true;
    QTest::newRow("Int: the file format's limit") << "Linear" << "out_features" << "2147483647"
                                                  << "2147483647" << true;
    QTest::newRow("Int: beyond 32 bits") << "Linear" << "out_features" << "2147483648" << "" << false;
    QTest::newRow("Int: below the minimum") << "Linear" << "out_features" << "0" << "" << false;
    QTest::newRow("Int: negative dim") << "Softmax" << "dim" << "-2" << "-2" << true;
    QTest::newRow("Float: spin box") << "Dropout" << "p" << "0.125" << "0.125" << true;
    QTest::newRow("Float: above the maximum") << "Dropout" << "p" << "1.5" << "" << false;
    QTest::newRow("Float: tiny eps") << "BatchNorm1d" << "eps" << "1e-12" << "1e-12" << true;
    QTest::newRow("Float: eps zero") << "BatchNorm1d" << "eps" << "0" << "" << false;
    QTest::newRow("Float: infinity") << "BatchNorm1d" << "eps" << "inf" << "" << false;
    QTest::newRow("Bool: check box") << "Linear" << "bias" << "toggle" << "false" << true;
    QTest::newRow("IntList: line edit") << "Input" << "shape" << "1, 28, 28" << "[1,28,28]" << true;
    QTest::newRow("IntList: brackets") << "Input" << "shape" << "[3, 32, 32]" << "[3,32,32]" << true;
    QTest::newRow("IntList: the file format's limit") << "Input" << "shape" << "2147483647"
                                                      << "[2147483647]" << true;
    QTest::newRow("IntList: beyond 32 bits") << "Input" << "shape" << "3000000000" << "" << false;
    QTest::newRow("IntList: empty item") << "Input" << "shape" << "2,,3" << "" << false;
    QTest::newRow("IntList: zero dimension") << "Input" << "shape" << "0, 4" << "" << false;
}

// Types `input` into the editor as a user would and ends with Return; the
// editor's verdict on the typed text is checked before Return is pressed.
void TestGui::paramEditorsPushCommands()
{
    QFETCH(QString, type);
    QFETCH(QString, param);
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(bool, accepted);

    MainWindow window;
    GraphDocument* document = window.document();
    const NodeId id = window.view()->addLayer(type, QPointF(0, 300));
    QVERIFY(id);
    QCOMPARE(window.propertyPanel()->nodeId(), id);
    const std::string name = param.toStdString();
    const nlohmann::json original = document->registry().paramValue(*document->graph().node(id), name);
    const int commands = document->undoStack()->count();

    ParamEditor* editor = window.propertyPanel()->editor(name);
    QVERIFY(editor);
    if (auto* check = editor->findChild<QCheckBox*>()) {
        check->click();
    } else {
        QWidget* field = editor->findChild<QAbstractSpinBox*>();
        if (!field)
            field = editor->findChild<QLineEdit*>();
        QVERIFY(field);
        if (auto* spin = qobject_cast<QAbstractSpinBox*>(field))
            spin->selectAll();
        else
            static_cast<QLineEdit*>(field)->selectAll();
        QTest::keyClicks(field, input);
        // Judged as typed: a tinted field whose tooltip says why.
        QCOMPARE(editor->problem().isEmpty(), accepted);
        const QColor normal = QApplication::palette().color(QPalette::Base);
        QCOMPARE(field->palette().color(QPalette::Base) == normal, accepted);
        if (!accepted) {
            QVERIFY2(editor->problem().contains(param), qPrintable(editor->problem()));
            QCOMPARE(field->toolTip(), editor->problem());
        }
        QTest::keyClick(field, Qt::Key_Return);
    }

    const nlohmann::json value = document->registry().paramValue(*document->graph().node(id), name);
    if (!accepted) {
        QCOMPARE(value, original);
        QCOMPARE(document->undoStack()->count(), commands);
        QVERIFY2(window.propertyPanel()->message().contains(param),
                 qPrintable(window.propertyPanel()->message()));
        return;
    }
    QCOMPARE(value, nlohmann::json::parse(expected.toStdString()));
    QCOMPARE(document->undoStack()->count(), commands + 1);
    QVERIFY(window.propertyPanel()->message().isEmpty());

    // Whatever an editor accepts, the saved file opens again.
    const QString path = m_dir.filePath(QStringLiteral("edited.lepton"));
    QVERIFY(window.files()->saveProjectAs(path));
    try {
        const Project reopened = loadProject(path.toStdString(), document->registry());
        QCOMPARE(reopened.graph.node(id)->params.at(name), value);
    } catch (const std::exception& error) {
        QFAIL(error.what());
    }

    document->undoStack()->undo();
    QCOMPARE(document->registry().paramValue(*document->graph().node(id), name), original);
}

void TestGui::renameRejectsDuplicates()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    window.scene()->selectOnly(kFc1);
    auto* nameEdit = window.propertyPanel()->findChild<QLineEdit*>(QStringLiteral("nodeName"));
    QVERIFY(nameEdit);
    QCOMPARE(nameEdit->text(), QStringLiteral("fc1"));

    nameEdit->setText(QStringLiteral("fc2"));
    QTest::keyClick(nameEdit, Qt::Key_Return);
    QCOMPARE(document->graph().node(kFc1)->name, std::string("fc1"));
    QCOMPARE(nameEdit->text(), QStringLiteral("fc1"));
    QVERIFY(window.propertyPanel()->message().contains(QStringLiteral("already exists")));
    QCOMPARE(document->undoStack()->count(), 0);

    nameEdit->setText(QStringLiteral("hidden"));
    QTest::keyClick(nameEdit, Qt::Key_Return);
    QCOMPARE(document->graph().node(kFc1)->name, std::string("hidden"));
    QVERIFY(window.propertyPanel()->message().isEmpty());
    document->undoStack()->undo();
    QCOMPARE(document->graph().node(kFc1)->name, std::string("fc1"));
    QCOMPARE(nameEdit->text(), QStringLiteral("fc1"));
}

void TestGui::trainNeedsAModel_data()
{
    QTest::addColumn<QString>("project"); // empty: a new project
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QString>("reason"); // in Train's tooltip afterwards
    QTest::addColumn<bool>("shapesOk");  // afterwards
    QTest::addColumn<QString>("status"); // the status bar's model label afterwards
    QTest::newRow("shape error") << kSpiral << "classifier in_features 99"
                                 << "Linear 'classifier'" << false << "1 shape problem";
    QTest::newRow("no Output") << kSpiral << "delete output" << "Output" << true << "Not a model yet";
    QTest::newRow("new project with the Output deleted") << QString() << "delete output"
                                                         << "Output" << true << "Not a model yet";
    QTest::newRow("empty graph") << QString() << "delete all" << "Input" << true << "Not a model yet";
}

void TestGui::trainNeedsAModel()
{
    QFETCH(QString, project);
    QFETCH(QString, edit);
    QFETCH(QString, reason);
    QFETCH(bool, shapesOk);
    QFETCH(QString, status);
    MainWindow window;
    if (!project.isEmpty())
        QVERIFY(window.files()->openProject(project));
    GraphDocument* document = window.document();
    QAction* train = action(window, "actionTrain");
    auto* statusLabel = window.findChild<QLabel*>(QStringLiteral("modelStatus"));
    QVERIFY(statusLabel);
    const bool wasModel = document->modelSummary() != nullptr;
    QCOMPARE(train->isEnabled(), wasModel);
    if (!project.isEmpty())
        QVERIFY(wasModel);

    if (edit == QStringLiteral("classifier in_features 99")) {
        document->undoStack()->push(new SetParamCommand(document, kClassifier, "in_features", 99));
        const NodeItem* item = window.scene()->nodeItem(kClassifier);
        QVERIFY(item->hasError());
        QVERIFY(item->toolTip().contains(QStringLiteral("99")));
        QVERIFY(train->toolTip().contains(QStringLiteral("99")));
    } else {
        const auto& nodes = document->graph().nodes();
        const auto found = std::find_if(nodes.begin(), nodes.end(),
                                        [](const Node& node) { return node.type == "Output"; });
        QVERIFY(found != nodes.end());
        const NodeId output = found->id;
        if (edit == QStringLiteral("delete output"))
            window.scene()->selectOnly(output);
        else
            action(window, "actionSelectAll")->trigger();
        action(window, "actionDelete")->trigger();
        QVERIFY(!document->graph().node(output));
        if (edit == QStringLiteral("delete all"))
            QVERIFY(document->graph().nodes().empty());
    }
    QCOMPARE(document->shapes().ok(), shapesOk);
    QVERIFY(!document->modelSummary());
    QVERIFY(!train->isEnabled());
    QVERIFY2(train->toolTip().startsWith(QStringLiteral("Cannot train")), qPrintable(train->toolTip()));
    QVERIFY2(train->toolTip().contains(reason), qPrintable(train->toolTip()));
    QVERIFY2(statusLabel->toolTip().contains(reason), qPrintable(statusLabel->toolTip()));
    QCOMPARE(statusLabel->text(), status);

    document->undoStack()->undo();
    QCOMPARE(train->isEnabled(), wasModel);
    if (wasModel)
        QVERIFY(statusLabel->text().contains(QStringLiteral("parameters")));
}

void TestGui::titleTracksUnsavedChanges()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    QCOMPARE(window.windowTitle(), QStringLiteral("spiral-mlp.lepton[*] - Lepton Workbench"));
    QVERIFY(!window.isWindowModified());

    window.view()->addLayer(QStringLiteral("ReLU"), QPointF(0, 300));
    QVERIFY(window.isWindowModified());

    const QString copy = m_dir.filePath(QStringLiteral("copy.lepton"));
    QVERIFY(window.files()->saveProjectAs(copy));
    QVERIFY(!window.isWindowModified());
    QCOMPARE(window.windowTitle(), QStringLiteral("copy.lepton[*] - Lepton Workbench"));
    const Project saved = loadProject(copy.toStdString(), document->registry());
    QCOMPARE(snapshot(saved), snapshot(document->project()));

    document->undoStack()->undo();
    QVERIFY(window.isWindowModified());
    document->undoStack()->redo();
    QVERIFY(!window.isWindowModified());
}

void TestGui::badProjectFileIsReported()
{
    const QString broken = m_dir.filePath(QStringLiteral("broken.lepton"));
    {
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"schema_version": 1, "graph": {"nodes": [{"id": 1, "type": "Linaer"}]}})");
    }
    MainWindow window;
    window.show();
    QVERIFY(window.files()->openProject(kSpiral));
    const QString before = snapshot(window.document()->project());
    QVERIFY(!window.files()->openProject(broken));
    QCOMPARE(snapshot(window.document()->project()), before);
    QCOMPARE(window.windowTitle(), QStringLiteral("spiral-mlp.lepton[*] - Lepton Workbench"));
    auto* box = window.findChild<QMessageBox*>();
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("broken.lepton")), qPrintable(box->text()));
    box->close();
}

void TestGui::recentFilesKeepNewestFirst()
{
    MainWindow window;
    auto* recent = window.findChild<RecentFilesMenu*>();
    QVERIFY(recent);
    recent->clearFiles();
    QStringList paths;
    for (int i = 0; i < RecentFilesMenu::kMaxFiles + 2; ++i) {
        paths.prepend(m_dir.filePath(QStringLiteral("p%1.lepton").arg(i)));
        recent->addFile(paths.front());
    }
    QCOMPARE(recent->files(), paths.mid(0, RecentFilesMenu::kMaxFiles));
    recent->addFile(paths.last()); // reopening moves it to the top
    QCOMPARE(recent->files().front(), paths.last());
    QCOMPARE(recent->files().size(), RecentFilesMenu::kMaxFiles);

    // Opening and saving record the project, one entry per file.
    QVERIFY(window.files()->openProject(kSpiral));
    QCOMPARE(recent->files().front(), QFileInfo(kSpiral).absoluteFilePath());
    const QString copy = m_dir.filePath(QStringLiteral("recent-copy.lepton"));
    QVERIFY(window.files()->saveProjectAs(copy));
    QVERIFY(window.files()->openProject(kSpiral));
    QCOMPARE(recent->files().mid(0, 2), (QStringList{QFileInfo(kSpiral).absoluteFilePath(), copy}));
    QCOMPARE(recent->files().count(QFileInfo(kSpiral).absoluteFilePath()), 1);

    recent->clearFiles();
    QVERIFY(recent->files().isEmpty());
    QVERIFY(QSettings().value(QStringLiteral("recentFiles")).toStringList().isEmpty());
}

void TestGui::deleteKeyOnCanvasRemovesSelection()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.files()->openProject(kSpiral));
    window.view()->setFocus();
    window.scene()->selectOnly(kFc2);
    QTest::keyClick(window.view()->viewport(), Qt::Key_Delete);
    QVERIFY(!window.document()->graph().node(kFc2));

    // In the inspector's name field the same key edits text instead.
    window.scene()->selectOnly(kFc1);
    auto* nameEdit = window.propertyPanel()->findChild<QLineEdit*>(QStringLiteral("nodeName"));
    nameEdit->setFocus();
    nameEdit->setCursorPosition(0);
    QTest::keyClick(nameEdit, Qt::Key_Delete);
    QVERIFY(window.document()->graph().node(kFc1));
    QCOMPARE(nameEdit->text(), QStringLiteral("c1"));
}

void TestGui::trainsFromActionAndStops()
{
    // Many epochs, so the run is still going when Stop is pressed.
    const QString path = writeSpiralVariant(m_dir.filePath(QStringLiteral("long-run.lepton")), [](nlohmann::json& project) {
        project["training"]["epochs"] = 1000;
    });

    MainWindow window;
    window.show();
    QVERIFY(window.files()->openProject(path));
    QAction* train = action(window, "actionTrain");
    QAction* stop = action(window, "actionStop");
    QVERIFY(train->isEnabled());
    QVERIFY(!stop->isEnabled());

    int ticks = 0;
    QTimer heartbeat;
    connect(&heartbeat, &QTimer::timeout, this, [&ticks] { ++ticks; });
    heartbeat.start(5);

    train->trigger();
    QVERIFY(window.session()->isActive());
    QVERIFY(!train->isEnabled());
    QVERIFY(stop->isEnabled());

    const TrainingDashboard* dashboard = window.dashboard();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->batchPointCount() > 0, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->lossPlot()->graph(0)->dataCount() > 0, 60000);
    const size_t firstPoints = dashboard->batchPointCount();
    const int firstTicks = ticks;
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->batchPointCount() > firstPoints, 60000);
    // The GUI thread keeps serving timers while the run goes on; a run on
    // this thread would block them until its 1000 epochs were over.
    QTRY_VERIFY_WITH_TIMEOUT(ticks > firstTicks + 10, 60000);
    QVERIFY2(window.session()->isActive(), "the run ended before the event loop was seen running");
    // The status line follows at its own pace, a quarter second at most behind.
    QTRY_VERIFY(window.dashboard()->statusText().contains(QStringLiteral("epoch")));

    // Pause holds the run; pausing again lets it go on.
    QAction* pause = action(window, "actionPause");
    QVERIFY(pause->isEnabled());
    pause->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(toString(window.session()->state())),
                              QString::fromStdString(toString(TrainerState::Paused)), 60000);
    const size_t heldPoints = dashboard->batchPointCount();
    QTest::qWait(300);
    QCOMPARE(dashboard->batchPointCount(), heldPoints);
    pause->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->batchPointCount() > heldPoints, 60000);

    // Every finished epoch leaves a checkpoint beside the project.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path + QStringLiteral(".d/last.ckpt")), 60000);
    stop->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(toString(window.session()->state())),
                              QString::fromStdString(toString(TrainerState::Stopped)), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 60000);
    QVERIFY(train->isEnabled());
    QVERIFY(!stop->isEnabled());
    QVERIFY2(window.dashboard()->statusText().contains(QStringLiteral("Stopped")),
             qPrintable(window.dashboard()->statusText()));
    QVERIFY(window.dashboard()->errorText().isEmpty());

    // Resume Last Run continues from the checkpoint.
    QAction* resume = action(window, "actionResume");
    QVERIFY(resume->isEnabled());
    QSignalSpy logs(window.session(), &TrainingSession::logMessage);
    resume->trigger();
    QVERIFY(window.session()->isActive());
    QTRY_VERIFY_WITH_TIMEOUT(logged(logs, QStringLiteral("resuming after epoch")), 60000);
    stop->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 60000);

    // Train from Last Weights starts a new run from the checkpoint's weights.
    logs.clear();
    action(window, "actionTrainFromWeights")->trigger();
    QVERIFY(window.session()->isActive());
    QTRY_VERIFY_WITH_TIMEOUT(logged(logs, QStringLiteral(": loaded 3 layers")), 60000);
    stop->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 60000);

    // Both runs are in the project's history, the resumed one as run 1 again.
    RunHistory history((path + QStringLiteral(".d")).toStdString());
    const auto bothEnded = [&history] {
        const std::vector<RunRecord> runs = history.runs();
        return runs.size() == 2 && runs[0].status == RunStatus::Stopped && runs[1].status == RunStatus::Stopped;
    };
    QTRY_VERIFY_WITH_TIMEOUT(bothEnded(), 10000);
    const std::vector<RunRecord> runs = history.runs();
    QCOMPARE(runs[1].id, int64_t(1));
    QCOMPARE(runs[1].resumes, 1);
    QCOMPARE(runs[1].source, std::string("workbench"));
    QVERIFY(runs[1].epochs >= 1);
    QVERIFY(!history.batchMetrics(runs[1].id).empty());
    QCOMPARE(runs[0].settings["epochs"].get<int>(), 1000);
}

// New, Open and Quit ask before ending a run; Cancel keeps it going, Stop
// ends it (written to the history as stopped) and the next project starts
// with an empty dashboard.
void TestGui::aRunInProgressIsStoppedOnlyWhenConfirmed()
{
    const QString path = writeSpiralVariant(m_dir.filePath(QStringLiteral("asked.lepton")), [](nlohmann::json& project) {
        project["training"]["epochs"] = 1000;
    });
    MainWindow window;
    window.show();
    QVERIFY(window.files()->openProject(path));
    action(window, "actionTrain")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(window.dashboard()->batchPointCount() > 0, 60000);
    // An edit during the run is for the next one, and the dashboard says so.
    QVERIFY(!window.dashboard()->statusText().contains(QStringLiteral("as it was when the run started")));
    window.document()->undoStack()->push(new RenameNodeCommand(window.document(), kFc1, "first"));
    QVERIFY2(window.dashboard()->statusText().contains(QStringLiteral("trains the project as it was when the run started")),
             qPrintable(window.dashboard()->statusText()));
    window.document()->undoStack()->undo();

    // Answers the question the next call asks, by the button's text.
    const auto answer = [&window](const QString& button, QString* question) {
        QTimer::singleShot(0, &window, [&window, button, question] {
            auto* box = window.findChild<QMessageBox*>();
            if (!box)
                return;
            *question = box->text();
            for (QAbstractButton* choice : box->buttons()) {
                if (choice->text().remove(QLatin1Char('&')) == button)
                    choice->click();
            }
        });
    };
    QString question;
    answer(QStringLiteral("Cancel"), &question);
    window.files()->newProject();
    QCOMPARE(question, QStringLiteral("asked.lepton is training. Stop the run and close the project?"));
    QVERIFY(window.session()->isActive());
    QCOMPARE(window.document()->filePath(), path);

    answer(QStringLiteral("Stop the Run"), &question);
    window.files()->newProject();
    QVERIFY(!window.session()->isActive());
    QVERIFY(window.document()->filePath().isEmpty());
    QCOMPARE(window.dashboard()->batchPointCount(), size_t(0));
    RunHistory history((path + QStringLiteral(".d")).toStdString());
    QTRY_VERIFY_WITH_TIMEOUT(history.runs().size() == 1 && history.runs()[0].status == RunStatus::Stopped, 10000);
}

void TestGui::trainingFailureIsShown()
{
    // Valid graph, but the dataset files do not exist: the run fails on the
    // trainer's thread and the window says why.
    const QString path = writeSpiralVariant(m_dir.filePath(QStringLiteral("missing-data.lepton")), [](nlohmann::json& project) {
        project["dataset"] = {{"source", "idx"},
                              {"params", {{"train_images", "missing-images.idx"},
                                          {"train_labels", "missing-labels.idx"}}}};
    });

    MainWindow window;
    QVERIFY(window.files()->openProject(path));
    action(window, "actionTrain")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 60000);
    QCOMPARE(QString::fromStdString(toString(window.session()->state())),
             QString::fromStdString(toString(TrainerState::Failed)));
    QVERIFY2(window.dashboard()->errorText().contains(QStringLiteral("missing-images.idx")),
             qPrintable(window.dashboard()->errorText()));
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("missing-images.idx")));
    QVERIFY(action(window, "actionTrain")->isEnabled());
}

// Every wire names what it carries, the inspector shows a layer's size and
// what "0 means infer" became, and an open input is not a shape error.
void TestGui::shapesReadAtAGlance()
{
    MainWindow window;
    window.resize(1280, 800);
    QVERIFY(window.files()->openProject(QStringLiteral(LEPTON_SOURCE_DIR "/projects/fashion-mnist-cnn.lepton")));
    GraphDocument* document = window.document();
    for (const Edge& edge : document->graph().edges()) {
        const NodeShapes* from = document->nodeShapes(edge.fromNode);
        QCOMPARE(window.scene()->edgeItem(edge)->label(),
                 compactTypeText(from->outputs.at(size_t(edge.fromPort))));
    }
    const NodeId fc1 = document->graph().nodeByName("fc1")->id;
    QCOMPARE(window.scene()->edgeItem(*document->graph().edgeInto(fc1, 0))->label(),
             QStringLiteral("3136"));
    const NodeId pool2 = document->graph().nodeByName("pool2")->id;
    QCOMPARE(window.scene()->edgeItem(*document->graph().edgeInto(pool2, 0))->label(),
             QString::fromUtf8("64\u00d714\u00d714"));

    window.scene()->nodeItem(fc1)->setSelected(true);
    QCOMPARE(window.propertyPanel()->nodeId(), fc1);
    auto* inFeatures = window.propertyPanel()->editor("in_features")->findChild<QSpinBox*>();
    QCOMPARE(inFeatures->text(), QStringLiteral("auto (3136)"));
    auto* size = window.propertyPanel()->findChild<QLabel*>(QStringLiteral("nodeSize"));
    QCOMPARE(size->text(), QStringLiteral("401,536 parameters, 401,408 multiply-adds per sample"));
    const QString overview =
        window.propertyPanel()->findChild<QLabel*>(QStringLiteral("projectOverview"))->text();
    QVERIFY2(overview.contains(QStringLiteral("4,241,152 multiply-adds per sample")), qPrintable(overview));
    QVERIFY2(overview.contains(QStringLiteral("to train at batch 32")), qPrintable(overview));
    if (!qEnvironmentVariableIsEmpty("LEPTON_SCREENSHOT_DIR")) {
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.grab().save(qEnvironmentVariable("LEPTON_SCREENSHOT_DIR") + QStringLiteral("/shapes.png"));
    }

    // A layer with an open input reads "not connected", without the red of a mismatch.
    const NodeId add = window.view()->addLayer(QStringLiteral("Add"), QPointF(0, 600));
    QCOMPARE(window.scene()->nodeItem(add)->status(), NodeStatus::NotConnected);
    QVERIFY(!window.scene()->nodeItem(add)->hasError());
    auto* shape = window.propertyPanel()->findChild<QLabel*>(QStringLiteral("nodeShape"));
    QCOMPARE(shape->text(), QStringLiteral("Not connected: Add 'add1' inputs 'in1', 'in2' are not connected"));
}

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
