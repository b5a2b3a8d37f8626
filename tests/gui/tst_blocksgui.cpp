// Blocks in the workbench: grouping a selection into a named block,
// collapsing, expanding, inserting more copies from the palette, wiring them
// and ungrouping. Every step is one undo step that gives back the exact
// project, which also survives save and load; blocks saved to the user
// library show in the palette of the next window.
#include "blocks/blockactions.h"
#include "blocks/blockmime.h"
#include "blocks/userblocklibrary.h"
#include "canvasactions.h"
#include "common/guitestutil.h"
#include "graphview.h"
#include "layerpalette.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QMenu>
#include <QMimeData>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QTreeWidget>

#include <fstream>
#include <memory>

using namespace lepton;
using namespace lepton::testing;

namespace {

// relu1 feeds fc2 and the residual Add; relu2 feeds the Add too: a block
// with two inputs (the skip and the main path) and one output.
const std::vector<NodeId> kResidualBlock{kFc2, kRelu2, kResidual};

QTreeWidgetItem* blockEntry(const MainWindow& window, const QString& label)
{
    const QList<QTreeWidgetItem*> found = window.palette()->tree()->findItems(label, Qt::MatchRecursive);
    for (QTreeWidgetItem* item : found) {
        if (item->parent() && item->parent()->text(0) == QStringLiteral("Blocks"))
            return item;
    }
    return nullptr;
}

// Drops a palette entry onto the canvas at `scenePos`, as a mouse drag does.
bool dropEntry(MainWindow& window, QTreeWidgetItem* entry, QPointF scenePos)
{
    QTreeWidget* tree = window.palette()->tree();
    std::unique_ptr<QMimeData> mime(tree->model()->mimeData({tree->indexFromItem(entry)}));
    if (!mime || !mime->hasFormat(QString::fromLatin1(kBlockMimeType)))
        return false;
    const QPoint at = window.view()->mapFromScene(scenePos);
    QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &enter);
    QDropEvent drop(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &drop);
    return drop.isAccepted();
}

void doubleClickOnScene(QGraphicsScene* scene, QPointF pos)
{
    sendMouse(scene, QEvent::GraphicsSceneMousePress, pos, pos, Qt::LeftButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, pos, pos, Qt::LeftButton, Qt::NoButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseDoubleClick, pos, pos, Qt::LeftButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, pos, pos, Qt::LeftButton, Qt::NoButton);
    QCoreApplication::processEvents(); // the item expands or collapses once its event is over
}

// The ports a copy shows, in the definition's order, by graph id.
GroupPorts portsOf(const GraphDocument& document, const std::string& group)
{
    const NodeGroup* found = document.group(group);
    return groupPorts(document.graph(), *found, document.block(found->block), document.registry());
}

QString groupText(const NodeGroup& group)
{
    QStringList ids;
    for (NodeId id : group.nodes)
        ids << QString::number(id);
    return QStringLiteral("%1 (%2) [%3]%4")
        .arg(QString::fromStdString(group.name), QString::fromStdString(group.block), ids.join(QLatin1Char(',')),
             group.collapsed ? QStringLiteral(" collapsed") : QString());
}

} // namespace

class TestBlocksGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void residualBlockLifecycle();
    void deletingGroupedNodesRestoresGroupOnUndo();
    void collapsedStateIsSaved();
    void refusedSelectionsSayWhy_data();
    void refusedSelectionsSayWhy();
    void contextMenuOffersBlockActions();
    void libraryBlockShowsInNewWindow();
    void brokenLibraryFileIsReportedOnce();
    void cleanupTestCase();

private:
    // Opens spiral and groups its residual part as block "res" (group "res1").
    QString groupResidual(MainWindow& window);
    QTemporaryDir m_dir;
};

void TestBlocksGui::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(kSpiral), qPrintable(kSpiral));
    useScratchSettings(m_dir, QStringLiteral("tst_blocksgui"));
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(QDir(UserBlockLibrary::defaultFolder()).removeRecursively());
}

QString TestBlocksGui::groupResidual(MainWindow& window)
{
    if (!window.files()->openProject(kSpiral))
        return QStringLiteral("cannot open ") + kSpiral;
    window.scene()->selectNodes(kResidualBlock);
    return window.blockActions()->groupSelection(QStringLiteral("res"));
}

void TestBlocksGui::residualBlockLifecycle()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    GraphScene* scene = window.scene();
    QUndoStack* undo = document->undoStack();

    // 1. Group the residual part as block "res".
    QString before = snapshot(document->project());
    scene->selectNodes(kResidualBlock);
    QVERIFY(action(window, "actionGroupAsBlock")->isEnabled());
    QCOMPARE(action(window, "actionGroupAsBlock")->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_G));
    QCOMPARE(window.blockActions()->groupSelection(QStringLiteral("res")), QString());
    QCOMPARE(undo->count(), 1);
    QCOMPARE(int(document->groups().size()), 1);
    QCOMPARE(groupText(document->groups().front()), QStringLiteral("res1 (res) [4,5,6]"));
    const BlockDefinition* block = document->block("res");
    QVERIFY(block);
    QCOMPARE(int(block->graph.nodes().size()), 3);
    QCOMPARE(int(block->inputs.size()), 2);
    QCOMPARE(int(block->outputs.size()), 1);
    QVERIFY(scene->frameItem("res1"));
    QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());

    // 2. Collapse it: one block item with both inputs and the output, the
    //    outside wires on its ports, the inner ones hidden.
    before = after;
    scene->selectOnly(kRelu2);
    QVERIFY(action(window, "actionCollapseBlock")->isEnabled());
    action(window, "actionCollapseBlock")->trigger();
    QVERIFY(document->group("res1")->collapsed);
    BlockItem* item = scene->blockItem("res1");
    QVERIFY(item);
    QVERIFY(item->isSelected());
    QCOMPARE(scene->selectedNodeIds(), kResidualBlock);
    QCOMPARE(int(item->ports().inputs.size()), 2);
    QCOMPARE(int(item->ports().outputs.size()), 1);
    QVERIFY(item->outputPort(kResidual, 0));
    QVERIFY(!scene->nodeItem(kFc2)->isVisible());
    QVERIFY(!scene->edgeItem({kFc2, 0, kRelu2, 0})->isVisible());
    QVERIFY(scene->edgeItem({kResidual, 0, kClassifier, 0})->isVisible());
    QVERIFY(!action(window, "actionCollapseBlock")->isEnabled());
    QVERIFY(action(window, "actionExpandBlock")->isEnabled());
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());

    // 3. Drag the collapsed block: its three layers move, in one step.
    before = after;
    item = scene->blockItem("res1");
    const Position fc2 = document->graph().node(kFc2)->position;
    const Position sum = document->graph().node(kResidual)->position;
    const QPointF grip = item->mapToScene(QPointF(BlockItem::kWidth / 2, 12));
    dragOnScene(scene, grip, grip + QPointF(100, 60));
    QCOMPARE(undo->count(), 1);
    QCOMPARE(document->graph().node(kFc2)->position.x, fc2.x + 100);
    QCOMPARE(document->graph().node(kFc2)->position.y, fc2.y + 60);
    QCOMPARE(document->graph().node(kResidual)->position.x, sum.x + 100);
    QCOMPARE(document->graph().node(kResidual)->position.y, sum.y + 60);
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());

    // 4. Double-click expands it.
    before = after;
    doubleClickOnScene(scene, scene->blockItem("res1")->mapToScene(QPointF(BlockItem::kWidth / 2, 12)));
    QVERIFY(!document->group("res1")->collapsed);
    QCOMPARE(undo->count(), 2);
    QVERIFY(scene->nodeItem(kFc2)->isVisible());
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());

    // 5. Two more copies from the palette: one by double-click, one dropped.
    //    The project already holds "res", so no second definition is added.
    QTreeWidgetItem* entry = blockEntry(window, QStringLiteral("res"));
    QVERIFY(entry);
    QVERIFY(entry->toolTip(0).contains(QStringLiteral("3 layers")));
    before = after;
    scene->selectOnly(kResidual);
    Q_EMIT window.palette()->tree()->itemActivated(entry, 0);
    QCOMPARE(undo->count(), 1);
    QCOMPARE(int(document->groups().size()), 2);
    QCOMPARE(int(document->project().blocks.size()), 1);
    const NodeGroup second = *document->group("res2");
    QCOMPARE(second.block, std::string("res"));
    QCOMPARE(int(second.nodes.size()), 3);
    QCOMPARE(scene->selectedNodeIds(), second.nodes);
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());

    before = after;
    QVERIFY(dropEntry(window, blockEntry(window, QStringLiteral("res")), QPointF(1700, 400)));
    QCOMPARE(undo->count(), 2);
    const NodeGroup third = *document->group("res3");
    QCOMPARE(int(third.nodes.size()), 3);
    QCOMPARE(int(document->project().blocks.size()), 1);
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());

    // 6. Wire res1 -> res2 -> res3 -> classifier by dragging between ports;
    //    res3 is collapsed first, so its wires go to and from its block.
    const GroupPorts ports2 = portsOf(*document, "res2");
    const GroupPorts ports3 = portsOf(*document, "res3");
    QCOMPARE(int(ports2.inputs.size()), 2);
    QCOMPARE(int(ports3.outputs.size()), 1);
    scene->selectGroup("res3");
    QCOMPARE(window.blockActions()->setSelectionCollapsed(true), QString());
    QVERIFY(scene->blockItem("res3"));
    const auto drag = [&](NodeId from, int fromPort, const BlockPort& to) {
        dragOnScene(scene, outputPortPos(scene, from, fromPort), inputPortPos(scene, to.node, to.port));
        return document->graph().hasEdge({from, fromPort, to.node, to.port});
    };
    for (const BlockPort& input : ports2.inputs)
        QVERIFY(drag(kResidual, 0, input));
    const BlockPort out2 = ports2.outputs.front();
    for (const BlockPort& input : ports3.inputs) {
        before = snapshot(document->project());
        QVERIFY(drag(out2.node, out2.port, input)); // onto the collapsed block's input
        QCOMPARE(undoRedoMismatch(window, before, snapshot(document->project())), QString());
    }
    before = snapshot(document->project());
    const BlockPort out3 = ports3.outputs.front();
    QVERIFY(drag(out3.node, out3.port, {kClassifier, 0})); // from the collapsed block's output
    QVERIFY(!document->graph().hasEdge({kResidual, 0, kClassifier, 0}));
    QVERIFY(document->shapes().ok());
    QVERIFY(document->modelSummary());
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());

    // 7. Ungroup res2: its layers stay, and so does the definition.
    before = after;
    scene->selectOnly(ports2.inputs.front().node);
    QVERIFY(action(window, "actionUngroup")->isEnabled());
    action(window, "actionUngroup")->trigger();
    QVERIFY(!document->group("res2"));
    QCOMPARE(int(document->groups().size()), 2);
    QVERIFY(document->block("res"));
    QVERIFY(document->graph().node(ports2.inputs.front().node));
    after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
}

void TestBlocksGui::deletingGroupedNodesRestoresGroupOnUndo()
{
    MainWindow window;
    QCOMPARE(groupResidual(window), QString());
    GraphDocument* document = window.document();
    GraphScene* scene = window.scene();
    const QString grouped = snapshot(document->project());

    // One layer: the group shrinks, and comes back whole.
    scene->selectOnly(kRelu2);
    action(window, "actionDelete")->trigger();
    QCOMPARE(groupText(*document->group("res1")), QStringLiteral("res1 (res) [4,6]"));
    QCOMPARE(sceneMismatch(window), QString());
    QCOMPARE(undoRedoMismatch(window, grouped, snapshot(document->project())), QString());
    document->undoStack()->undo();
    QCOMPARE(projectMismatch(window, grouped), QString());

    // The whole collapsed block: the group goes, and comes back collapsed.
    scene->selectGroup("res1");
    QCOMPARE(window.blockActions()->setSelectionCollapsed(true), QString());
    const QString collapsed = snapshot(document->project());
    QVERIFY(scene->blockItem("res1")->isSelected());
    action(window, "actionDelete")->trigger();
    QVERIFY(document->groups().empty());
    QVERIFY(!document->graph().node(kFc2));
    QVERIFY(document->block("res")); // the definition outlives its copies
    QCOMPARE(undoRedoMismatch(window, collapsed, snapshot(document->project())), QString());
    document->undoStack()->undo();
    QCOMPARE(projectMismatch(window, collapsed), QString());
    QVERIFY(scene->blockItem("res1"));
}

void TestBlocksGui::collapsedStateIsSaved()
{
    MainWindow window;
    QCOMPARE(groupResidual(window), QString());
    QCOMPARE(window.blockActions()->setSelectionCollapsed(true), QString());
    const QString path = m_dir.filePath(QStringLiteral("collapsed.lepton"));
    QVERIFY(window.files()->saveProjectAs(path));

    std::ifstream file(path.toStdString());
    const nlohmann::json json = nlohmann::json::parse(file);
    QCOMPARE(json.at("groups").size(), size_t(1));
    QCOMPARE(json.at("groups")[0].at("collapsed").get<bool>(), true);
    QCOMPARE(json.at("blocks")[0].at("name").get<std::string>(), std::string("res"));

    MainWindow other;
    QVERIFY(other.files()->openProject(path));
    QVERIFY(other.scene()->blockItem("res1"));
    QVERIFY(!other.scene()->nodeItem(kRelu2)->isVisible());
    QCOMPARE(sceneMismatch(other), QString());
}

void TestBlocksGui::refusedSelectionsSayWhy_data()
{
    QTest::addColumn<QList<int>>("selection");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason");
    // fc1 -> relu1 -> res1 -> classifier: the path leaves the selection and comes back.
    QTest::newRow("not convex") << QList<int>{kFc1, kClassifier} << "pair" << "cycle";
    QTest::newRow("an Input layer") << QList<int>{1, kFc1} << "head" << "cannot be part of a block";
    QTest::newRow("nothing selected") << QList<int>{} << "none" << "select the layers";
    QTest::newRow("no name") << QList<int>{kFc1} << "  " << "needs a name";
    QTest::newRow("name taken") << QList<int>{kFc1} << "res" << "already has a block named 'res'";
    QTest::newRow("already in a block") << QList<int>{kFc1, kFc2} << "other" << "already in block 'res1'";
}

void TestBlocksGui::refusedSelectionsSayWhy()
{
    QFETCH(QList<int>, selection);
    QFETCH(QString, name);
    QFETCH(QString, reason);
    MainWindow window;
    QCOMPARE(groupResidual(window), QString());
    const QString before = snapshot(window.document()->project());
    const int steps = window.document()->undoStack()->count();

    window.scene()->selectNodes({selection.begin(), selection.end()});
    const QString refused = window.blockActions()->groupSelection(name);
    QVERIFY2(refused.contains(reason), qPrintable(refused));
    QVERIFY2(window.statusBar()->currentMessage().contains(reason), qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(window.document()->undoStack()->count(), steps);
    QCOMPARE(projectMismatch(window, before), QString());
}

void TestBlocksGui::contextMenuOffersBlockActions()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(groupResidual(window), QString());
    window.scene()->clearSelection();
    window.view()->centerOn(window.scene()->frameItem("res1")->labelRect().center());

    // The frame's label selects the group and offers to collapse it.
    const QPointF label = window.scene()->frameItem("res1")->labelRect().center();
    std::unique_ptr<QMenu> menu(window.canvasActions()->createContextMenu(window.view()->mapFromScene(label)));
    QCOMPARE(window.scene()->selectedNodeIds(), kResidualBlock);
    QVERIFY(menu->actions().contains(action(window, "actionCollapseBlock")));
    QVERIFY(action(window, "actionCollapseBlock")->isEnabled());
    action(window, "actionCollapseBlock")->trigger();

    // The collapsed block offers to expand it, and double-clicking the
    // frame's label collapses it again after that.
    window.scene()->clearSelection();
    const QPointF block = window.scene()->blockItem("res1")->mapToScene(QPointF(BlockItem::kWidth / 2, 12));
    menu.reset(window.canvasActions()->createContextMenu(window.view()->mapFromScene(block)));
    QVERIFY(window.scene()->blockItem("res1")->isSelected());
    QVERIFY(menu->actions().contains(action(window, "actionExpandBlock")));
    QVERIFY(action(window, "actionExpandBlock")->isEnabled());
    action(window, "actionExpandBlock")->trigger();
    doubleClickOnScene(window.scene(), window.scene()->frameItem("res1")->labelRect().center());
    QVERIFY(window.document()->group("res1")->collapsed);
    QCOMPARE(sceneMismatch(window), QString());
}

void TestBlocksGui::libraryBlockShowsInNewWindow()
{
    const QString saved = m_dir.filePath(QStringLiteral("library-source.lepton"));
    {
        MainWindow window;
        QCOMPARE(groupResidual(window), QString());
        QCOMPARE(window.blockActions()->saveSelectionToLibrary(QStringLiteral("residual")), QString());
        QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("residual.json")),
                 qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(QFile::exists(UserBlockLibrary::defaultFolder() + QStringLiteral("/residual.json")));
        // This window's palette lists it at once, beside the project's "res".
        QVERIFY(blockEntry(window, QStringLiteral("residual")));
        QVERIFY(blockEntry(window, QStringLiteral("res")));
        QVERIFY(window.files()->saveProjectAs(saved));
    }

    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    QTreeWidgetItem* entry = blockEntry(window, QStringLiteral("residual"));
    QVERIFY(entry);
    QVERIFY(entry->toolTip(0).contains(QStringLiteral("library")));
    QVERIFY(!blockEntry(window, QStringLiteral("res")));

    // Inserting it copies the definition into the project; undo takes both back.
    const QString before = snapshot(document->project());
    Q_EMIT window.palette()->tree()->itemActivated(entry, 0);
    QCOMPARE(document->undoStack()->count(), 1);
    QVERIFY(document->block("residual"));
    QCOMPARE(document->groups().front().block, std::string("residual"));
    QCOMPARE(document->groups().front().name, std::string("residual1"));
    const QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
    // Now the project holds the library's block as it is: one entry.
    QCOMPARE(window.palette()->tree()->findItems(QStringLiteral("residual"), Qt::MatchRecursive).size(), 1);

    // A project block of the same name but different makes the library's
    // copy arrive under a new name.
    QVERIFY(window.files()->openProject(saved));
    const BlockDefinition library = *window.blockLibrary()->block("residual");
    BlockDefinition clash = library;
    clash.description = "another one";
    QVERIFY(window.scene()->insertBlock(clash, QPointF(0, 600)).isEmpty());
    QVERIFY(window.scene()->insertBlock(library, QPointF(0, 900)).isEmpty());
    QVERIFY(document->block("residual2"));
    QCOMPARE(document->groups().back().block, std::string("residual2"));
    QVERIFY(blockEntry(window, QStringLiteral("residual")));
    QCOMPARE(sceneMismatch(window), QString());
}

void TestBlocksGui::brokenLibraryFileIsReportedOnce()
{
    {
        MainWindow window;
        QCOMPARE(groupResidual(window), QString());
        QCOMPARE(window.blockActions()->saveSelectionToLibrary(QStringLiteral("kept")), QString());
    }
    const QString folder = UserBlockLibrary::defaultFolder();
    QFile broken(folder + QStringLiteral("/broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"schema_version\": 1, \"block\": {\"name\": \"x\", \"graph\": ");
    broken.close();

    MainWindow window;
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("broken.json")),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(blockEntry(window, QStringLiteral("kept"))); // the other files still load
    window.statusBar()->clearMessage();
    window.blockLibrary()->reload();
    QCOMPARE(window.statusBar()->currentMessage(), QString());

    // A dropped payload that is no block says so, and changes nothing.
    const QString before = snapshot(window.document()->project());
    QMimeData mime;
    mime.setData(QString::fromLatin1(kBlockMimeType), "{\"name\": 1}");
    const QPoint at = window.view()->mapFromScene(QPointF(0, 0));
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &drop);
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("Cannot insert")),
             qPrintable(window.statusBar()->currentMessage()));
    QCOMPARE(projectMismatch(window, before), QString());
}

void TestBlocksGui::cleanupTestCase()
{
    QVERIFY(QDir(UserBlockLibrary::defaultFolder()).removeRecursively());
}

QTEST_MAIN(TestBlocksGui)
#include "tst_blocksgui.moc"
