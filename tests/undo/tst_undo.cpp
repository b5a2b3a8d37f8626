// Undo and redo through the real window: every edit is one step (or merges
// into one), and undoing gives back the project byte for byte with a scene
// that mirrors it.
#include "commands/setparamcommand.h"
#include "common/guitestutil.h"
#include "graphview.h"
#include "layerpalette.h"
#include "parameditor.h"
#include "propertypanel.h"

#include <QDoubleSpinBox>
#include <QFile>
#include <QMimeData>
#include <QSpinBox>
#include <QStatusBar>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <exception>
#include <memory>

using namespace lepton;
using namespace lepton::testing;

namespace {

// The edge giveResidualThirdInput() adds: fc1 into the residual's input 3.
const Edge kThirdInput{kFc1, 0, kResidual, 2};

// Opens spiral and gives its residual Add inputs = 3 and kThirdInput into
// input 3. Empty when that went as planned; otherwise what did not.
QString giveResidualThirdInput(MainWindow& window)
{
    if (!window.files()->openProject(kSpiral))
        return QStringLiteral("cannot open ") + kSpiral;
    GraphDocument* document = window.document();
    document->undoStack()->push(new SetParamCommand(document, kResidual, "inputs", 3));
    const QString refused = window.scene()->connectPorts(kThirdInput);
    if (!refused.isEmpty())
        return QStringLiteral("connecting %1 was refused: %2").arg(describe(kThirdInput), refused);
    if (!document->graph().hasEdge(kThirdInput))
        return QStringLiteral("the edge %1 is missing").arg(describe(kThirdInput));
    if (!document->shapes().ok())
        return QStringLiteral("shapes do not check with three inputs");
    if (document->undoStack()->count() != 2)
        return QStringLiteral("%1 undo steps, expected 2").arg(document->undoStack()->count());
    return {};
}

} // namespace

class TestUndo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void editsUndoAndRedoStepByStep();
    void nudgesMergeButDragsDoNot();
    void cycleIsRefused();
    void loweringPortCountDropsEdgesExactly_data();
    void loweringPortCountDropsEdgesExactly();
    void loweringOutputCountDropsItsWires();
    void mergedParamEditsUndoExactly_data();
    void mergedParamEditsUndoExactly();
    void paramEditsMergeWhileTheEditorKeepsFocus();

private:
    QTemporaryDir m_dir;
};

void TestUndo::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(kSpiral), qPrintable(kSpiral));
    useScratchSettings(m_dir, QStringLiteral("tst_undo"));
}

void TestUndo::editsUndoAndRedoStepByStep()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files()->openProject(kSpiral));
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
    QCOMPARE(sceneMismatch(window), QString());

    QAction* undoAction = action(window, "actionUndo");
    QVERIFY(undoAction->text().contains(QStringLiteral("fc2")));
    for (int step = undo->count(); step > 0; --step) {
        undoAction->trigger();
        QCOMPARE(projectMismatch(window, states[step - 1]), QString());
    }
    QVERIFY(!window.isWindowModified());
    QAction* redoAction = action(window, "actionRedo");
    for (int step = 1; step < states.size(); ++step) {
        redoAction->trigger();
        QCOMPARE(projectMismatch(window, states[step]), QString());
    }
    // The panel follows undo: p shows its old value again.
    undoAction->trigger(); // delete
    undoAction->trigger(); // p
    scene->selectOnly(dropout);
    QCOMPARE(window.propertyPanel()->editor("p")->findChild<QDoubleSpinBox*>()->value(), 0.5);
}

void TestUndo::nudgesMergeButDragsDoNot()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
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
    QCOMPARE(sceneMismatch(window), QString());
}

void TestUndo::cycleIsRefused()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
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
    QCOMPARE(projectMismatch(window, before), QString());
}

void TestUndo::loweringPortCountDropsEdgesExactly_data()
{
    QTest::addColumn<int>("inputs");
    QTest::addColumn<bool>("viaEditor"); // the inspector's spin box, or a command
    QTest::addColumn<bool>("dropsThird");
    QTest::newRow("3 -> 2 drops the edge into input 3") << 2 << false << true;
    QTest::newRow("3 -> 2 in the inspector") << 2 << true << true;
    QTest::newRow("3 -> 4 keeps every edge") << 4 << false << false;
}

void TestUndo::loweringPortCountDropsEdgesExactly()
{
    QFETCH(int, inputs);
    QFETCH(bool, viaEditor);
    QFETCH(bool, dropsThird);
    MainWindow window;
    QCOMPARE(giveResidualThirdInput(window), QString());
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
    QCOMPARE(sceneMismatch(window), QString());

    // Twice round: every undo restores the edge once, every redo drops it.
    for (int round = 0; round < 2; ++round) {
        undo->undo();
        QCOMPARE(projectMismatch(window, before), QString());
        undo->redo();
        QCOMPARE(projectMismatch(window, after), QString());
    }
    undo->undo();
    const std::vector<Edge>& edges = document->graph().edges();
    QCOMPARE(std::count(edges.begin(), edges.end(), kThirdInput), 1);
    QCOMPARE(saveAndReloadMismatch(window, before, m_dir), QString());
}

// Split's "parts" sets its output ports: fewer parts drop the wires out of the
// vanished ports, and undo brings them back.
void TestUndo::loweringOutputCountDropsItsWires()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    QUndoStack* undo = document->undoStack();
    const NodeId split = window.view()->addLayer(QStringLiteral("Split"), QPointF(0, 400));
    undo->push(new SetParamCommand(document, split, "parts", 4));
    QCOMPARE(window.scene()->connectPorts({kFc1, 0, split, 0}), QString());
    std::vector<Edge> fromSplit;
    for (int port = 0; port < 4; ++port) {
        const NodeId relu = window.view()->addLayer(QStringLiteral("ReLU"), QPointF(300, 400 + 100 * port));
        fromSplit.push_back({split, port, relu, 0});
        QCOMPARE(window.scene()->connectPorts(fromSplit.back()), QString());
    }
    QVERIFY(document->nodeShapes(split)->status == NodeStatus::Resolved);
    const QString before = snapshot(document->project());

    undo->push(new SetParamCommand(document, split, "parts", 2));
    QVERIFY(document->graph().hasEdge(fromSplit[1]));
    QVERIFY(!document->graph().hasEdge(fromSplit[2]));
    QVERIFY(!document->graph().hasEdge(fromSplit[3]));
    QCOMPARE(sceneMismatch(window), QString());
    const QString after = snapshot(document->project());
    undo->undo();
    QCOMPARE(projectMismatch(window, before), QString());
    undo->redo();
    QCOMPARE(projectMismatch(window, after), QString());
}

void TestUndo::mergedParamEditsUndoExactly_data()
{
    // Values pushed one after the other on the residual's "inputs" (3 to
    // start with, an edge in each input) in one edit session, so they merge
    // however long each step takes.
    QTest::addColumn<QList<int>>("values");
    QTest::addColumn<bool>("stepLeft");   // false: the merge undid itself
    QTest::addColumn<bool>("dropsThird"); // the edge into input 3 is gone
    QTest::newRow("3 -> 2 -> 3") << QList<int>{2, 3} << true << true;
    QTest::newRow("3 -> 2 -> 3 -> 2") << QList<int>{2, 3, 2} << true << true;
    QTest::newRow("3 -> 4 -> 2") << QList<int>{4, 2} << true << true;
    QTest::newRow("3 -> 4 -> 3 is no step") << QList<int>{4, 3} << false << false;
}

void TestUndo::mergedParamEditsUndoExactly()
{
    QFETCH(QList<int>, values);
    QFETCH(bool, stepLeft);
    QFETCH(bool, dropsThird);
    MainWindow window;
    QCOMPARE(giveResidualThirdInput(window), QString());
    GraphDocument* document = window.document();
    QUndoStack* undo = document->undoStack();
    const QString before = snapshot(document->project());
    const int steps = undo->count();
    constexpr int kSession = 7;

    for (int value : values)
        undo->push(new SetParamCommand(document, kResidual, "inputs", value, kSession));
    QCOMPARE(undo->count(), steps + (stepLeft ? 1 : 0));
    QCOMPARE(document->graph().node(kResidual)->params.at("inputs").get<int>(), values.last());
    QCOMPARE(document->graph().hasEdge(kThirdInput), !dropsThird);
    const QString after = snapshot(document->project());
    QCOMPARE(sceneMismatch(window), QString());
    if (!stepLeft) {
        QCOMPARE(after, before);
        QCOMPARE(saveAndReloadMismatch(window, before, m_dir), QString());
        return;
    }

    undo->undo();
    QCOMPARE(projectMismatch(window, before), QString());
    undo->redo();
    QCOMPARE(projectMismatch(window, after), QString());
    undo->undo();
    QCOMPARE(projectMismatch(window, before), QString());
    const std::vector<Edge>& edges = document->graph().edges();
    QCOMPARE(std::count(edges.begin(), edges.end(), kThirdInput), 1);
    QCOMPARE(saveAndReloadMismatch(window, before, m_dir), QString());

    // Reopening cleared the stack: make the same edits again and check the
    // file after the merged step loads too.
    QCOMPARE(undo->count(), 0);
    for (int value : values)
        undo->push(new SetParamCommand(document, kResidual, "inputs", value, kSession));
    QCOMPARE(snapshot(document->project()), after);
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
}

void TestUndo::paramEditsMergeWhileTheEditorKeepsFocus()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    QUndoStack* undo = document->undoStack();
    const QString start = snapshot(document->project());
    window.scene()->selectOnly(kFc1);
    auto* spin = window.propertyPanel()->editor("out_features")->findChild<QSpinBox*>();
    QVERIFY(spin);
    QCOMPARE(spin->value(), 64);

    // Three arrow steps while the spin box keeps the focus: one undo step,
    // however long apart they are.
    spin->setFocus();
    QTRY_VERIFY(spin->hasFocus());
    for (int i = 0; i < 3; ++i)
        QTest::keyClick(spin, Qt::Key_Up);
    QCOMPARE(document->graph().node(kFc1)->params.at("out_features").get<int>(), 67);
    QCOMPARE(undo->count(), 1);
    const QString afterFirst = snapshot(document->project());

    // The focus leaves and comes back: a new step.
    window.view()->setFocus();
    QTRY_VERIFY(!spin->hasFocus());
    spin->setFocus();
    QTRY_VERIFY(spin->hasFocus());
    QTest::keyClick(spin, Qt::Key_Up);
    QCOMPARE(undo->count(), 2);
    const QString afterSecond = snapshot(document->project());

    // Edits outside any session never merge.
    undo->push(new SetParamCommand(document, kFc2, "out_features", 10));
    undo->push(new SetParamCommand(document, kFc2, "out_features", 11));
    QCOMPARE(undo->count(), 4);

    undo->undo();
    undo->undo();
    QCOMPARE(projectMismatch(window, afterSecond), QString());
    undo->undo();
    QCOMPARE(projectMismatch(window, afterFirst), QString());
    undo->undo();
    QCOMPARE(projectMismatch(window, start), QString());
    QCOMPARE(spin->value(), 64);
}

QTEST_MAIN(TestUndo)
#include "tst_undo.moc"
