#include "commands/setparamcommand.h"
#include "edgeitem.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "graphview.h"
#include "layerpalette.h"
#include "mainwindow.h"
#include "nodeitem.h"
#include "parameditor.h"
#include "portitem.h"
#include "project/project.h"
#include "propertypanel.h"
#include "qcustomplotheader.h"
#include "recentfilesmenu.h"
#include "trainingdashboard.h"
#include "trainingsession.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsSceneMouseEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>

using namespace lepton;

namespace {

const QString kSpiral = QStringLiteral(LEPTON_SOURCE_DIR "/projects/spiral-mlp.lepton");

// Ids in projects/spiral-mlp.lepton.
constexpr NodeId kFc1 = 2;
constexpr NodeId kFc2 = 4;
constexpr NodeId kRelu2 = 5;
constexpr NodeId kResidual = 6;
constexpr NodeId kClassifier = 7;
// The edge giveResidualThirdInput() adds: fc1 into the residual's input 3.
const Edge kThirdInput{kFc1, 0, kResidual, 2};

// The project as its file would hold it. Graph keeps nodes in id order and
// edges sorted, so undo must give back these exact bytes, order included.
QString snapshot(const Project& project)
{
    return QString::fromStdString(projectToJson(project).dump());
}

template <typename Item>
int countItems(const QGraphicsScene* scene)
{
    int count = 0;
    for (QGraphicsItem* item : scene->items())
        count += qgraphicsitem_cast<Item*>(item) != nullptr;
    return count;
}

void sendMouse(QGraphicsScene* scene, QEvent::Type type, QPointF pos, QPointF downPos,
               Qt::MouseButton button, Qt::MouseButtons buttons)
{
    QGraphicsSceneMouseEvent event(type);
    event.setScenePos(pos);
    event.setScreenPos(pos.toPoint());
    event.setLastScenePos(pos);
    event.setButtonDownScenePos(Qt::LeftButton, downPos);
    event.setButtonDownScreenPos(Qt::LeftButton, downPos.toPoint());
    event.setButton(button);
    event.setButtons(buttons);
    QApplication::sendEvent(scene, &event);
}

// A left-button drag as the scene sees it from a view: press, moves, release.
void dragOnScene(QGraphicsScene* scene, QPointF from, QPointF to)
{
    sendMouse(scene, QEvent::GraphicsSceneMousePress, from, from, Qt::LeftButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, (from + to) / 2, from, Qt::NoButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, to, from, Qt::NoButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, to, from, Qt::LeftButton, Qt::NoButton);
}

QPointF outputPortPos(const GraphScene* scene, NodeId node, int port = 0)
{
    return scene->nodeItem(node)->outputPort(port)->scenePos();
}

QPointF inputPortPos(const GraphScene* scene, NodeId node, int port = 0)
{
    return scene->nodeItem(node)->inputPort(port)->scenePos();
}

QAction* action(const MainWindow& window, const char* name)
{
    auto* found = window.findChild<QAction*>(QString::fromLatin1(name));
    if (!found)
        qFatal("no action %s", name);
    return found;
}

} // namespace

class TestGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sceneMirrorsGraph_data();
    void sceneMirrorsGraph();
    void editsUndoAndRedoStepByStep();
    void paletteDoubleClickAddsAtViewCentre();
    void paramEditorsPushCommands_data();
    void paramEditorsPushCommands();
    void renameRejectsDuplicates();
    void nudgesMergeButDragsDoNot();
    void cycleIsRefused();
    void loweringPortCountDropsEdgesExactly_data();
    void loweringPortCountDropsEdgesExactly();
    void mergedParamEditsUndoExactly_data();
    void mergedParamEditsUndoExactly();
    void trainNeedsAModel_data();
    void trainNeedsAModel();
    void titleTracksUnsavedChanges();
    void badProjectFileIsReported();
    void recentFilesKeepNewestFirst();
    void deleteKeyOnCanvasRemovesSelection();
    void trainsFromActionAndStops();
    void trainingFailureIsShown();

private:
    // Every node and edge has exactly one item, edges end on their ports; no
    // edge is there twice and no input port takes two.
    void verifySceneMatches(const MainWindow& window);
    // Saves the project, loads the file back and compares it with `expected`.
    void verifySaveAndReload(MainWindow& window, const QString& expected);
    // Spiral's residual Add gets inputs = 3 and kThirdInput into input 3.
    void giveResidualThirdInput(MainWindow& window);
    NodeId nodeNamed(const GraphDocument& document, const std::string& name);

    QTemporaryDir m_dir;
};

void TestGui::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(kSpiral), qPrintable(kSpiral));
    // Recent files and window state must not touch the user's settings.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("LeptonTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_gui"));
}

void TestGui::verifySceneMatches(const MainWindow& window)
{
    const Graph& graph = window.document()->graph();
    const GraphScene* scene = window.scene();
    QCOMPARE(countItems<NodeItem>(scene), int(graph.nodes().size()));
    QCOMPARE(countItems<EdgeItem>(scene), int(graph.edges().size()));
    std::vector<Edge> edges = graph.edges();
    std::sort(edges.begin(), edges.end());
    QVERIFY2(std::adjacent_find(edges.begin(), edges.end()) == edges.end(), "an edge is there twice");
    const auto sameInput = [](const Edge& a, const Edge& b) {
        return a.toNode == b.toNode && a.toPort == b.toPort;
    };
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
        return std::pair(a.toNode, a.toPort) < std::pair(b.toNode, b.toPort);
    });
    QVERIFY2(std::adjacent_find(edges.begin(), edges.end(), sameInput) == edges.end(),
             "an input port takes two edges");
    for (const Node& node : graph.nodes()) {
        const NodeItem* item = scene->nodeItem(node.id);
        QVERIFY(item);
        QCOMPARE(item->pos(), QPointF(node.position.x, node.position.y));
    }
    for (const Edge& edge : graph.edges()) {
        const EdgeItem* item = scene->edgeItem(edge);
        QVERIFY(item);
        const QPainterPath& path = item->path();
        QCOMPARE(path.pointAtPercent(0), outputPortPos(scene, edge.fromNode, edge.fromPort));
        QCOMPARE(path.pointAtPercent(1), inputPortPos(scene, edge.toNode, edge.toPort));
    }
}

void TestGui::verifySaveAndReload(MainWindow& window, const QString& expected)
{
    QCOMPARE(snapshot(window.document()->project()), expected);
    const QString path = m_dir.filePath(QStringLiteral("reloaded.lepton"));
    QVERIFY(window.saveProjectAs(path));
    try {
        const Project saved = loadProject(path.toStdString(), window.document()->registry());
        QCOMPARE(snapshot(saved), expected);
    } catch (const std::exception& error) {
        QFAIL(error.what());
    }
    QVERIFY(window.openProject(path));
    QCOMPARE(snapshot(window.document()->project()), expected);
    verifySceneMatches(window);
}

void TestGui::giveResidualThirdInput(MainWindow& window)
{
    QVERIFY(window.openProject(kSpiral));
    GraphDocument* document = window.document();
    document->undoStack()->push(new SetParamCommand(document, kResidual, "inputs", 3));
    QCOMPARE(window.scene()->connectPorts(kThirdInput), QString());
    QVERIFY(document->graph().hasEdge(kThirdInput));
    QVERIFY(document->shapes().ok());
    // The connection comes between this SetParam and the ones a test pushes,
    // so those do not merge into it.
    QCOMPARE(document->undoStack()->count(), 2);
}

NodeId TestGui::nodeNamed(const GraphDocument& document, const std::string& name)
{
    const Node* node = document.graph().nodeByName(name);
    return node ? node->id : 0;
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
        QVERIFY(window.openProject(project));
    QCOMPARE(int(window.document()->graph().nodes().size()), nodes);
    QCOMPARE(int(window.document()->graph().edges().size()), edges);
    verifySceneMatches(window);

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

void TestGui::editsUndoAndRedoStepByStep()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openProject(kSpiral));
    GraphDocument* document = window.document();
    GraphScene* scene = window.scene();
    QUndoStack* undo = document->undoStack();
    QStringList states{snapshot(document->project())};

    // 1. Drop a Dropout layer from the palette onto the canvas.
    QTreeWidget* tree = window.palette()->tree();
    const QList<QTreeWidgetItem*> found = tree->findItems(QStringLiteral("Dropout"), Qt::MatchRecursive);
    QCOMPARE(found.size(), 1);
    std::unique_ptr<QMimeData> mime(tree->model()->mimeData({tree->indexFromItem(found.front())}));
    QVERIFY(mime && mime->hasFormat(QString::fromLatin1(kLayerMimeType)));
    const QPoint dropPoint = window.view()->mapFromScene(QPointF(800, 320));
    QDragEnterEvent enter(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(dropPoint), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &drop);
    const NodeId dropout = nodeNamed(*document, "dropout1");
    QVERIFY(dropout);
    QCOMPARE(document->graph().node(dropout)->type, std::string("Dropout"));
    // Centred under the drop point, and selected so the inspector shows it.
    const QRectF dropped = scene->nodeItem(dropout)->mapRectToScene(QRectF(0, 0, NodeItem::kWidth, 10));
    QVERIFY(std::abs(dropped.center().x() - window.view()->mapToScene(dropPoint).x()) < 1.0);
    QCOMPARE(window.propertyPanel()->nodeId(), dropout);
    QCOMPARE(undo->count(), 1);
    states << snapshot(document->project());

    // 2. Wire relu2 -> dropout by dragging between the ports.
    dragOnScene(scene, outputPortPos(scene, kRelu2), inputPortPos(scene, dropout));
    QVERIFY(document->graph().hasEdge({kRelu2, 0, dropout, 0}));
    QCOMPARE(undo->count(), 2);
    states << snapshot(document->project());

    // 3. Wire dropout -> residual input 2, dragged the other way round; it
    //    replaces the edge relu2 -> residual that occupied that input.
    dragOnScene(scene, inputPortPos(scene, kResidual, 1), outputPortPos(scene, dropout));
    QVERIFY(document->graph().hasEdge({dropout, 0, kResidual, 1}));
    QVERIFY(!document->graph().hasEdge({kRelu2, 0, kResidual, 1}));
    QCOMPARE(undo->count(), 3);
    states << snapshot(document->project());

    // 4. Move the new node with a mouse drag: one command on release.
    const Position before = document->graph().node(dropout)->position;
    const QPointF grip = scene->nodeItem(dropout)->mapToScene(QPointF(NodeItem::kWidth / 2, 12));
    dragOnScene(scene, grip, grip + QPointF(40, 60));
    const Position after = document->graph().node(dropout)->position;
    QCOMPARE(after.x, before.x + 40);
    QCOMPARE(after.y, before.y + 60);
    QCOMPARE(undo->count(), 4);
    states << snapshot(document->project());

    // 5. Change p in the property panel's editor.
    scene->selectOnly(dropout);
    ParamEditor* editor = window.propertyPanel()->editor("p");
    QVERIFY(editor);
    auto* spin = editor->findChild<QDoubleSpinBox*>();
    QVERIFY(spin);
    spin->setValue(0.25);
    QCOMPARE(document->graph().node(dropout)->params.at("p").get<double>(), 0.25);
    QCOMPARE(undo->count(), 5);
    states << snapshot(document->project());

    // 6. Delete fc2 with the Delete action: its two edges go with it.
    scene->selectOnly(kFc2);
    QVERIFY(action(window, "actionDelete")->isEnabled());
    action(window, "actionDelete")->trigger();
    QVERIFY(!document->graph().node(kFc2));
    QVERIFY(document->graph().edgesOf(kFc2).empty());
    QCOMPARE(undo->count(), 6);
    states << snapshot(document->project());
    verifySceneMatches(window);

    QAction* undoAction = action(window, "actionUndo");
    QVERIFY(undoAction->text().contains(QStringLiteral("fc2")));
    for (int step = undo->count(); step > 0; --step) {
        undoAction->trigger();
        QCOMPARE(snapshot(document->project()), states[step - 1]);
        verifySceneMatches(window);
    }
    QVERIFY(!window.isWindowModified());
    QAction* redoAction = action(window, "actionRedo");
    for (int step = 1; step < states.size(); ++step) {
        redoAction->trigger();
        QCOMPARE(snapshot(document->project()), states[step]);
        verifySceneMatches(window);
    }
    // The panel follows undo: p shows its old value again.
    undoAction->trigger(); // delete
    undoAction->trigger(); // p
    scene->selectOnly(dropout);
    QCOMPARE(window.propertyPanel()->editor("p")->findChild<QDoubleSpinBox*>()->value(), 0.5);
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
    QTest::addColumn<QString>("input");    // what the user does to the editor
    QTest::addColumn<QString>("expected"); // the param afterwards, as JSON
    QTest::addColumn<bool>("accepted");
    QTest::newRow("Int: spin box") << "Linear" << "out_features" << "32" << "32" << true;
    QTest::newRow("Float: spin box") << "Dropout" << "p" << "0.125" << "0.125" << true;
    QTest::newRow("Bool: check box") << "Linear" << "bias" << "toggle" << "false" << true;
    QTest::newRow("IntList: line edit") << "Input" << "shape" << "1, 28, 28" << "[1,28,28]" << true;
    QTest::newRow("IntList: brackets") << "Input" << "shape" << "[3, 32, 32]" << "[3,32,32]" << true;
    QTest::newRow("IntList: empty item") << "Input" << "shape" << "2,,3" << "" << false;
    QTest::newRow("IntList: zero dimension") << "Input" << "shape" << "0, 4" << "" << false;
}

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
    if (auto* spin = editor->findChild<QSpinBox*>()) {
        spin->setValue(input.toInt());
    } else if (auto* doubleSpin = editor->findChild<QDoubleSpinBox*>()) {
        doubleSpin->setValue(input.toDouble());
    } else if (auto* check = editor->findChild<QCheckBox*>()) {
        check->click();
    } else {
        auto* line = editor->findChild<QLineEdit*>();
        QVERIFY(line);
        line->setText(input);
        QTest::keyClick(line, Qt::Key_Return);
    }

    const nlohmann::json value = document->registry().paramValue(*document->graph().node(id), name);
    if (!accepted) {
        QCOMPARE(value, original);
        QCOMPARE(document->undoStack()->count(), commands);
        QVERIFY(window.propertyPanel()->message().contains(param));
        return;
    }
    QCOMPARE(value, nlohmann::json::parse(expected.toStdString()));
    QCOMPARE(document->undoStack()->count(), commands + 1);
    QVERIFY(window.propertyPanel()->message().isEmpty());
    document->undoStack()->undo();
    QCOMPARE(document->registry().paramValue(*document->graph().node(id), name), original);
}

void TestGui::renameRejectsDuplicates()
{
    MainWindow window;
    QVERIFY(window.openProject(kSpiral));
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

void TestGui::nudgesMergeButDragsDoNot()
{
    MainWindow window;
    QVERIFY(window.openProject(kSpiral));
    GraphDocument* document = window.document();
    GraphScene* scene = window.scene();
    const Position start = document->graph().node(kFc1)->position;

    scene->selectOnly(kFc1);
    QKeyEvent right(QEvent::KeyPress, Qt::Key_Right, Qt::NoModifier);
    QApplication::sendEvent(scene, &right);
    QKeyEvent down(QEvent::KeyPress, Qt::Key_Down, Qt::ShiftModifier);
    QApplication::sendEvent(scene, &down);
    QCOMPARE(document->graph().node(kFc1)->position.x, start.x + 10);
    QCOMPARE(document->graph().node(kFc1)->position.y, start.y + 50);
    QCOMPARE(document->undoStack()->count(), 1);

    const QPointF grip = scene->nodeItem(kFc1)->mapToScene(QPointF(30, 10));
    dragOnScene(scene, grip, grip + QPointF(0, 100));
    dragOnScene(scene, grip + QPointF(0, 100), grip + QPointF(0, 200));
    QCOMPARE(document->undoStack()->count(), 3);
    document->undoStack()->undo();
    QCOMPARE(document->graph().node(kFc1)->position.y, start.y + 150);
    document->undoStack()->undo();
    document->undoStack()->undo();
    QCOMPARE(document->graph().node(kFc1)->position.x, start.x);
    QCOMPARE(document->graph().node(kFc1)->position.y, start.y);
    verifySceneMatches(window);
}

void TestGui::cycleIsRefused()
{
    MainWindow window;
    QVERIFY(window.openProject(kSpiral));
    GraphDocument* document = window.document();
    GraphScene* scene = window.scene();
    const QString before = snapshot(document->project());

    // relu2 already depends on fc1, so feeding relu2 into fc1 closes a loop.
    dragOnScene(scene, outputPortPos(scene, kRelu2), inputPortPos(scene, kFc1));
    QCOMPARE(snapshot(document->project()), before);
    QCOMPARE(document->undoStack()->count(), 0);
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("cycle")),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(scene->connectPorts({kClassifier, 0, kClassifier, 0}).contains(QStringLiteral("itself")));
    QCOMPARE(snapshot(document->project()), before);
    verifySceneMatches(window);
}

void TestGui::loweringPortCountDropsEdgesExactly_data()
{
    QTest::addColumn<int>("inputs");
    QTest::addColumn<bool>("viaEditor"); // the inspector's spin box, or a command
    QTest::addColumn<bool>("dropsThird");
    QTest::newRow("3 -> 2 drops the edge into input 3") << 2 << false << true;
    QTest::newRow("3 -> 2 in the inspector") << 2 << true << true;
    QTest::newRow("3 -> 4 keeps every edge") << 4 << false << false;
}

void TestGui::loweringPortCountDropsEdgesExactly()
{
    QFETCH(int, inputs);
    QFETCH(bool, viaEditor);
    QFETCH(bool, dropsThird);
    MainWindow window;
    giveResidualThirdInput(window);
    GraphDocument* document = window.document();
    QUndoStack* undo = document->undoStack();
    const QString before = snapshot(document->project());

    if (viaEditor) {
        window.scene()->selectOnly(kResidual);
        ParamEditor* editor = window.propertyPanel()->editor("inputs");
        QVERIFY(editor);
        auto* spin = editor->findChild<QSpinBox*>();
        QVERIFY(spin);
        QCOMPARE(spin->value(), 3);
        spin->setValue(inputs);
    } else {
        undo->push(new SetParamCommand(document, kResidual, "inputs", inputs));
    }
    QCOMPARE(undo->count(), 3);
    QCOMPARE(document->graph().node(kResidual)->params.at("inputs").get<int>(), inputs);
    QCOMPARE(document->graph().hasEdge(kThirdInput), !dropsThird);
    QCOMPARE(int(document->graph().edges().size()), dropsThird ? 8 : 9);
    const QString after = snapshot(document->project());
    verifySceneMatches(window);

    // Twice round: every undo restores the edge once, every redo drops it.
    for (int round = 0; round < 2; ++round) {
        undo->undo();
        QCOMPARE(snapshot(document->project()), before);
        verifySceneMatches(window);
        undo->redo();
        QCOMPARE(snapshot(document->project()), after);
        verifySceneMatches(window);
    }
    undo->undo();
    const std::vector<Edge>& edges = document->graph().edges();
    QCOMPARE(std::count(edges.begin(), edges.end(), kThirdInput), 1);
    verifySaveAndReload(window, before);
}

void TestGui::mergedParamEditsUndoExactly_data()
{
    // Values pushed one after the other on the residual's "inputs" (3 to
    // start with, an edge in each input), fast enough to merge.
    QTest::addColumn<QList<int>>("values");
    QTest::addColumn<bool>("stepLeft");   // false: the merge undid itself
    QTest::addColumn<bool>("dropsThird"); // the edge into input 3 is gone
    QTest::newRow("3 -> 2 -> 3") << QList<int>{2, 3} << true << true;
    QTest::newRow("3 -> 2 -> 3 -> 2") << QList<int>{2, 3, 2} << true << true;
    QTest::newRow("3 -> 4 -> 2") << QList<int>{4, 2} << true << true;
    QTest::newRow("3 -> 4 -> 3 is no step") << QList<int>{4, 3} << false << false;
}

void TestGui::mergedParamEditsUndoExactly()
{
    QFETCH(QList<int>, values);
    QFETCH(bool, stepLeft);
    QFETCH(bool, dropsThird);
    MainWindow window;
    giveResidualThirdInput(window);
    GraphDocument* document = window.document();
    QUndoStack* undo = document->undoStack();
    const QString before = snapshot(document->project());
    const int steps = undo->count();

    for (int value : values)
        undo->push(new SetParamCommand(document, kResidual, "inputs", value));
    QCOMPARE(undo->count(), steps + (stepLeft ? 1 : 0));
    QCOMPARE(document->graph().node(kResidual)->params.at("inputs").get<int>(), values.last());
    QCOMPARE(document->graph().hasEdge(kThirdInput), !dropsThird);
    const QString after = snapshot(document->project());
    verifySceneMatches(window);
    if (!stepLeft) {
        QCOMPARE(after, before);
        verifySaveAndReload(window, before);
        return;
    }

    undo->undo();
    QCOMPARE(snapshot(document->project()), before);
    verifySceneMatches(window);
    undo->redo();
    QCOMPARE(snapshot(document->project()), after);
    verifySceneMatches(window);
    undo->undo();
    QCOMPARE(snapshot(document->project()), before);
    verifySceneMatches(window);
    const std::vector<Edge>& edges = document->graph().edges();
    QCOMPARE(std::count(edges.begin(), edges.end(), kThirdInput), 1);
    verifySaveAndReload(window, before);

    // Reopening cleared the stack: make the same edits again and check the
    // file after the merged step loads too.
    QCOMPARE(undo->count(), 0);
    for (int value : values)
        undo->push(new SetParamCommand(document, kResidual, "inputs", value));
    QCOMPARE(snapshot(document->project()), after);
    verifySaveAndReload(window, after);
}

void TestGui::trainNeedsAModel_data()
{
    QTest::addColumn<QString>("project"); // empty: a new project
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QString>("reason"); // in Train's tooltip afterwards
    QTest::addColumn<bool>("shapesOk");  // afterwards
    QTest::newRow("shape error") << kSpiral << "classifier in_features 99"
                                 << "Linear 'classifier'" << false;
    QTest::newRow("no Output") << kSpiral << "delete output" << "Output" << true;
    QTest::newRow("new project with the Output deleted") << QString() << "delete output"
                                                         << "Output" << true;
    QTest::newRow("empty graph") << QString() << "delete all" << "Input" << true;
}

void TestGui::trainNeedsAModel()
{
    QFETCH(QString, project);
    QFETCH(QString, edit);
    QFETCH(QString, reason);
    QFETCH(bool, shapesOk);
    MainWindow window;
    if (!project.isEmpty())
        QVERIFY(window.openProject(project));
    GraphDocument* document = window.document();
    QAction* train = action(window, "actionTrain");
    auto* status = window.findChild<QLabel*>(QStringLiteral("modelStatus"));
    QVERIFY(status);
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
    QVERIFY2(status->toolTip().contains(reason), qPrintable(status->toolTip()));
    QVERIFY(status->text() != QStringLiteral("Shapes OK"));

    document->undoStack()->undo();
    QCOMPARE(train->isEnabled(), wasModel);
    if (wasModel)
        QVERIFY(status->text().contains(QStringLiteral("parameters")));
}

void TestGui::titleTracksUnsavedChanges()
{
    MainWindow window;
    QVERIFY(window.openProject(kSpiral));
    GraphDocument* document = window.document();
    QCOMPARE(window.windowTitle(), QStringLiteral("spiral-mlp.lepton[*] - Lepton Workbench"));
    QVERIFY(!window.isWindowModified());

    window.view()->addLayer(QStringLiteral("ReLU"), QPointF(0, 300));
    QVERIFY(window.isWindowModified());

    const QString copy = m_dir.filePath(QStringLiteral("copy.lepton"));
    QVERIFY(window.saveProjectAs(copy));
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
    QVERIFY(window.openProject(kSpiral));
    const QString before = snapshot(window.document()->project());
    QVERIFY(!window.openProject(broken));
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
    QVERIFY(window.openProject(kSpiral));
    QCOMPARE(recent->files().front(), QFileInfo(kSpiral).absoluteFilePath());
    const QString copy = m_dir.filePath(QStringLiteral("recent-copy.lepton"));
    QVERIFY(window.saveProjectAs(copy));
    QVERIFY(window.openProject(kSpiral));
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
    QVERIFY(window.openProject(kSpiral));
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
    nlohmann::json project;
    {
        std::ifstream in(kSpiral.toStdString());
        in >> project;
    }
    project["training"]["epochs"] = 1000;
    const QString path = m_dir.filePath(QStringLiteral("long-run.lepton"));
    {
        std::ofstream out(path.toStdString());
        out << project.dump(2);
    }

    MainWindow window;
    window.show();
    QVERIFY(window.openProject(path));
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

    QCPGraph* loss = window.dashboard()->lossPlot()->graph(0);
    QTRY_VERIFY_WITH_TIMEOUT(loss->dataCount() > 0, 60000);
    const int firstPoints = loss->dataCount();
    const int firstTicks = ticks;
    QTRY_VERIFY_WITH_TIMEOUT(loss->dataCount() > firstPoints, 60000);
    // The GUI thread keeps serving timers while the run goes on; a run on
    // this thread would block them until its 1000 epochs were over.
    QTRY_VERIFY_WITH_TIMEOUT(ticks > firstTicks + 10, 60000);
    QVERIFY2(window.session()->isActive(), "the run ended before the event loop was seen running");
    QVERIFY(window.dashboard()->statusText().contains(QStringLiteral("epoch")));

    stop->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(toString(window.session()->state())),
                              QString::fromStdString(toString(TrainerState::Stopped)), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 60000);
    QVERIFY(train->isEnabled());
    QVERIFY(!stop->isEnabled());
    QVERIFY2(window.dashboard()->statusText().contains(QStringLiteral("Stopped")),
             qPrintable(window.dashboard()->statusText()));
    QVERIFY(window.dashboard()->errorText().isEmpty());
}

void TestGui::trainingFailureIsShown()
{
    // Valid graph, but the dataset files do not exist: the run fails on the
    // trainer's thread and the window says why.
    nlohmann::json project;
    {
        std::ifstream in(kSpiral.toStdString());
        in >> project;
    }
    project["dataset"] = {{"source", "idx"},
                          {"train_images", "missing-images.idx"},
                          {"train_labels", "missing-labels.idx"}};
    const QString path = m_dir.filePath(QStringLiteral("missing-data.lepton"));
    {
        std::ofstream out(path.toStdString());
        out << project.dump(2);
    }

    MainWindow window;
    QVERIFY(window.openProject(path));
    action(window, "actionTrain")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 60000);
    QCOMPARE(QString::fromStdString(toString(window.session()->state())),
             QString::fromStdString(toString(TrainerState::Failed)));
    QVERIFY2(window.dashboard()->errorText().contains(QStringLiteral("missing-images.idx")),
             qPrintable(window.dashboard()->errorText()));
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("missing-images.idx")));
    QVERIFY(action(window, "actionTrain")->isEnabled());
}

QTEST_MAIN(TestGui)
#include "tst_gui.moc"
