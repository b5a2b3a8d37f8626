// The canvas offscreen: building a network with the mouse, context menus,
// the palette's filter and placement, keyboard shortcuts, the view state
// saved with a project, snapping, and the window at laptop size.
#include "canvasactions.h"
#include "common/guitestutil.h"
#include "graphview.h"
#include "layerpalette.h"
#include "propertypanel.h"
#include "qcustomplotheader.h"
#include "shortcutsdialog.h"
#include "trainingdashboard.h"

#include <nlohmann/json.hpp>

#include <QContextMenuEvent>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QTest>
#include <QToolBar>
#include <QTreeWidget>
#include <QUndoStack>

#include <fstream>
#include <memory>
#include <set>

using namespace lepton;
using namespace lepton::testing;

namespace {

const QString kCnn = QStringLiteral(LEPTON_SOURCE_DIR "/projects/fashion-mnist-cnn.lepton");

QTreeWidgetItem* paletteEntry(const MainWindow& window, const QString& name)
{
    const QList<QTreeWidgetItem*> found
        = window.palette()->tree()->findItems(name, Qt::MatchRecursive | Qt::MatchExactly);
    return found.size() == 1 ? found.front() : nullptr;
}

// Right-clicks the viewport at `scenePos`; returns the menu that opened.
QMenu* rightClick(MainWindow& window, QPointF scenePos)
{
    QWidget* viewport = window.view()->viewport();
    const QPoint pos = window.view()->mapFromScene(scenePos);
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, viewport->mapToGlobal(pos));
    QApplication::sendEvent(viewport, &event);
    return qobject_cast<QMenu*>(QApplication::activePopupWidget());
}

QAction* menuAction(const QMenu* menu, const QString& objectName)
{
    return menu->findChild<QAction*>(objectName);
}

// A left-button drag through the view's viewport, as a user's mouse does it.
void mouseDrag(GraphView* view, QPointF fromScene, QPointF toScene)
{
    QWidget* viewport = view->viewport();
    const QPoint from = view->mapFromScene(fromScene);
    const QPoint to = view->mapFromScene(toScene);
    QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, from);
    QTest::mouseMove(viewport, (from + to) / 2);
    QTest::mouseMove(viewport, to);
    QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, to);
}

} // namespace

class TestCanvas : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void buildsANetworkWithTheMouse();
    void contextMenusFitWhatIsClicked();
    void paletteFilterMatchesCategories();
    void paletteDoubleClickPlacesBesideSelection();
    void shortcutsDialogListsEveryShortcut();
    void toolbarButtonsStayPut();
    void fitKeepsNodeTextLegible();
    void plotLegendsFitAtLaptopSize();
    void viewStateIsSavedWithTheProject();
    void snapToGridIsRememberedAndSnaps();

private:
    QTemporaryDir m_dir;
};

void TestCanvas::initTestCase()
{
    QVERIFY(m_dir.isValid());
    useScratchSettings(m_dir, QStringLiteral("tst_canvas"));
}

void TestCanvas::buildsANetworkWithTheMouse()
{
    MainWindow window; // a new project: an Input and an Output, unconnected
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    GraphDocument* document = window.document();
    GraphView* view = window.view();
    const NodeId input = nodeNamed(*document, "input1");
    const NodeId output = nodeNamed(*document, "output1");
    QVERIFY(input && output);

    // The offscreen platform ends every QDrag at once without a drop, so
    // the palette's own drag payload is delivered through real drag events.
    QTreeWidgetItem* linear = paletteEntry(window, QStringLiteral("Linear"));
    QVERIFY(linear);
    QTreeWidget* tree = window.palette()->tree();
    std::unique_ptr<QMimeData> mime(tree->model()->mimeData({tree->indexFromItem(linear)}));
    QVERIFY(mime);
    const QPointF dropScene(270, 260);
    view->centerOn(dropScene);
    const QPoint dropPoint = view->mapFromScene(dropScene);
    QDragEnterEvent enter(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &move);
    QVERIFY(move.isAccepted());
    QDropEvent drop(QPointF(dropPoint), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view->viewport(), &drop);
    QVERIFY(drop.isAccepted());
    const NodeId dense = nodeNamed(*document, "linear1");
    QVERIFY(dense);

    // Wire it up with the mouse: output port to input port, and the other
    // way round.
    GraphScene* scene = window.scene();
    mouseDrag(view, outputPortPos(scene, input), inputPortPos(scene, dense));
    QVERIFY(document->graph().hasEdge({input, 0, dense, 0}));
    mouseDrag(view, inputPortPos(scene, output), outputPortPos(scene, dense));
    QVERIFY(document->graph().hasEdge({dense, 0, output, 0}));
    QCOMPARE(document->graph().edges().size(), size_t(2));
    QCOMPARE(document->undoStack()->count(), 3);
    QVERIFY(document->shapes().ok());
    QVERIFY(document->modelSummary());
    QVERIFY(action(window, "actionTrain")->isEnabled());

    // A node dragged with the mouse moves by whole numbers, one step.
    const Position before = document->graph().node(dense)->position;
    const QPointF grip = scene->nodeItem(dense)->mapToScene(QPointF(NodeItem::kWidth / 2, 12));
    mouseDrag(view, grip, grip + QPointF(80, 40));
    const Position after = document->graph().node(dense)->position;
    QVERIFY(after.x > before.x + 40 && after.y > before.y + 20);
    QCOMPARE(after.x, std::round(after.x));
    QCOMPARE(after.y, std::round(after.y));
    QCOMPARE(document->undoStack()->count(), 4);
    QCOMPARE(sceneMismatch(window), QString());
}

void TestCanvas::contextMenusFitWhatIsClicked()
{
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    GraphScene* scene = window.scene();

    // On a layer: it becomes the selection; commands for it.
    const QPointF onFc2 = scene->nodeItem(kFc2)->mapToScene(QPointF(40, 50));
    window.view()->centerOn(onFc2);
    QMenu* menu = rightClick(window, onFc2);
    QVERIFY(menu);
    QCOMPARE(menu->objectName(), QStringLiteral("nodeMenu"));
    QCOMPARE(scene->selectedNodeIds(), std::vector<NodeId>{kFc2});
    for (const char* name : {"actionRename", "actionDuplicate", "actionCopy", "actionCut", "actionDelete",
                             "actionDeleteReconnect"}) {
        QAction* entry = nullptr;
        for (QAction* candidate : menu->actions())
            entry = candidate->objectName() == QLatin1String(name) ? candidate : entry;
        QVERIFY2(entry && entry->isEnabled(), name);
    }
    // Rename hands over to the inspector's name field, text selected.
    action(window, "actionRename")->trigger();
    menu->close();
    auto* nameEdit = window.propertyPanel()->findChild<QLineEdit*>(QStringLiteral("nodeName"));
    QVERIFY(nameEdit);
    QCOMPARE(window.propertyPanel()->nodeId(), kFc2);
    QCOMPARE(nameEdit->selectedText(), QStringLiteral("fc2"));

    // On a wire: delete it, or insert a layer with an input and an output.
    const Edge wire{kFc1, 0, 3, 0};
    const QPointF onWire = scene->edgeItem(wire)->path().pointAtPercent(0.5);
    window.view()->centerOn(onWire);
    menu = rightClick(window, onWire);
    QVERIFY(menu);
    QCOMPARE(menu->objectName(), QStringLiteral("wireMenu"));
    QVERIFY(menuAction(menu, QStringLiteral("actionDeleteConnection")));
    QVERIFY(menuAction(menu, QStringLiteral("layer:Dropout")));
    QVERIFY(!menuAction(menu, QStringLiteral("layer:Input")));
    QVERIFY(!menuAction(menu, QStringLiteral("layer:Output")));
    menuAction(menu, QStringLiteral("layer:Dropout"))->trigger();
    menu->close();
    const NodeId dropout = nodeNamed(*document, "dropout1");
    QVERIFY(dropout);
    QVERIFY(document->graph().hasEdge({kFc1, 0, dropout, 0}));
    QVERIFY(document->graph().hasEdge({dropout, 0, 3, 0}));
    QCOMPARE(document->undoStack()->count(), 1);

    // On the empty canvas: add any layer where clicked, paste, arrange.
    const QPointF empty(300, 600);
    window.view()->centerOn(empty);
    menu = rightClick(window, empty);
    QVERIFY(menu);
    QCOMPARE(menu->objectName(), QStringLiteral("canvasMenu"));
    for (const char* name : {"actionPasteHere", "actionSelectAll", "actionAutoLayout", "actionFitToView",
                             "layer:Input", "layer:Conv2d"})
        QVERIFY2(menuAction(menu, QString::fromLatin1(name)) || menu->actions().contains(action(window, name)),
                 name);
    menuAction(menu, QStringLiteral("layer:ReLU"))->trigger();
    menu->close();
    const NodeId relu = nodeNamed(*document, "relu3");
    QVERIFY(relu);
    const QRectF placed = nodeRect(*document, *document->graph().node(relu));
    QVERIFY(std::abs(placed.center().x() - empty.x()) < 1.0);
    QCOMPARE(scene->selectedNodeIds(), std::vector<NodeId>{relu});
    QCOMPARE(sceneMismatch(window), QString());
}

void TestCanvas::paletteFilterMatchesCategories()
{
    MainWindow window;
    LayerPalette* palette = window.palette();
    QTreeWidget* tree = palette->tree();
    auto visibleLayers = [tree] {
        QStringList names;
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* category = tree->topLevelItem(i);
            for (int j = 0; j < category->childCount(); ++j) {
                if (!category->isHidden() && !category->child(j)->isHidden())
                    names << category->child(j)->text(0);
            }
        }
        return names;
    };
    const int all = int(window.document()->registry().specs().size());
    QCOMPARE(visibleLayers().size(), all);

    // A category's name shows all its layers, whatever they are called.
    palette->filter()->setText(QStringLiteral("normalization"));
    QStringList shown = visibleLayers();
    QVERIFY2(shown.contains(QStringLiteral("Batch Norm 1D")) && shown.contains(QStringLiteral("Batch Norm 2D")),
             qPrintable(shown.join(QStringLiteral(", "))));
    QVERIFY(!shown.contains(QStringLiteral("Linear")));
    QVERIFY(palette->emptyText().isEmpty());

    palette->filter()->setText(QStringLiteral("xyz"));
    QVERIFY(visibleLayers().isEmpty());
    QCOMPARE(palette->emptyText(), QStringLiteral("No layers match 'xyz'"));

    palette->filter()->clear();
    QCOMPARE(visibleLayers().size(), all);
    QVERIFY(palette->emptyText().isEmpty());
}

void TestCanvas::paletteDoubleClickPlacesBesideSelection()
{
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    window.scene()->selectOnly(kFc1);
    QTreeWidget* tree = window.palette()->tree();
    QTreeWidgetItem* linear = paletteEntry(window, QStringLiteral("Linear"));
    QVERIFY(linear);
    tree->scrollToItem(linear);
    const QPoint itemCentre = tree->visualItemRect(linear).center();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, itemCentre);
    QTest::mouseDClick(tree->viewport(), Qt::LeftButton, Qt::NoModifier, itemCentre);

    const NodeId added = nodeNamed(*document, "linear1");
    QVERIFY(added);
    const Node* node = document->graph().node(added);
    const Node* anchor = document->graph().node(kFc1);
    // Right of the selected layer, covering no other.
    QVERIFY(node->position.x >= anchor->position.x + NodeItem::kWidth);
    QVERIFY(node->position.y >= anchor->position.y);
    for (const Node& other : document->graph().nodes()) {
        if (other.id != added)
            QVERIFY2(!nodeRect(*document, *node).intersects(nodeRect(*document, other)), other.name.c_str());
    }
    QCOMPARE(window.scene()->selectedNodeIds(), std::vector<NodeId>{added});
}

void TestCanvas::shortcutsDialogListsEveryShortcut()
{
    MainWindow window;
    QCOMPARE(action(window, "actionSaveAs")->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    QVERIFY(action(window, "actionRedo")->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Y)));

    action(window, "actionShortcuts")->trigger();
    auto* dialog = window.findChild<ShortcutsDialog*>();
    QVERIFY(dialog);
    const QString listed = dialog->rows().join(QLatin1Char('\n'));
    std::set<QString> keys;
    for (const QAction* entry : window.findChildren<QAction*>()) {
        for (const QKeySequence& key : entry->shortcuts()) {
            const QString text = key.toString(QKeySequence::NativeText);
            // Listed, and no key does two things.
            QVERIFY2(listed.contains(text), qPrintable(entry->objectName() + QLatin1Char(' ') + text));
            QVERIFY2(keys.insert(text).second, qPrintable(QStringLiteral("%1 is bound twice").arg(text)));
        }
    }
    for (const char* expected : {"File\tSave As\tCtrl+Shift+S", "Edit\tRedo\tCtrl+Shift+Z; Ctrl+Y",
                                 "Edit\tPaste\tCtrl+V", "Edit\tDuplicate\tCtrl+D", "Canvas\tPan"}) {
        QVERIFY2(listed.contains(QString::fromLatin1(expected)), expected);
    }
    dialog->close();
}

void TestCanvas::toolbarButtonsStayPut()
{
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* bar = window.findChild<QToolBar*>(QStringLiteral("mainToolBar"));
    QVERIFY(bar);
    auto geometries = [bar] {
        QList<QRect> rects;
        for (QAction* entry : bar->actions()) {
            if (QWidget* button = bar->widgetForAction(entry))
                rects << button->geometry();
        }
        return rects;
    };
    QCoreApplication::processEvents();
    const QList<QRect> before = geometries();

    window.view()->addLayer(QStringLiteral("BatchNorm2d"), QPointF(0, 300));
    QCoreApplication::processEvents();
    QCOMPARE(geometries(), before);
    QAction* undoTool = action(window, "actionUndoTool");
    QCOMPARE(undoTool->text(), QStringLiteral("Undo"));
    QVERIFY2(undoTool->toolTip().contains(QStringLiteral("batchnorm2d1")), qPrintable(undoTool->toolTip()));
    QVERIFY(undoTool->isEnabled());

    undoTool->trigger();
    QCoreApplication::processEvents();
    QCOMPARE(geometries(), before);
    QVERIFY(!undoTool->isEnabled());
    QVERIFY(action(window, "actionRedoTool")->isEnabled());
    QCOMPARE(window.document()->graph().nodes().size(), size_t(2));
}

void TestCanvas::fitKeepsNodeTextLegible()
{
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files()->openProject(kCnn));
    // Laid out in one long row it cannot fit whole at a legible zoom.
    action(window, "actionAutoLayout")->trigger();
    action(window, "actionFitToView")->trigger();
    const qreal zoom = window.view()->zoom();
    QVERIFY2(zoom >= GraphView::kMinFitZoom - 1e-9, qPrintable(QString::number(zoom)));
    // The start of the graph (its input) is what shows.
    const QRectF visible = window.view()->mapToScene(window.view()->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(window.scene()->nodeItem(1)->sceneBoundingRect().center()));
}

void TestCanvas::plotLegendsFitAtLaptopSize()
{
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (int width : {1024, 800}) {
        window.resize(width, 700);
        QCoreApplication::processEvents();
        for (QCustomPlot* plot : {window.dashboard()->lossPlot(), window.dashboard()->accuracyPlot()}) {
            plot->replot(QCustomPlot::rpImmediateRefresh);
            int entries = 0;
            for (int i = 0; i < plot->legend->elementCount(); ++i) {
                if (!plot->legend->item(i))
                    continue; // an empty cell of the legend's grid
                ++entries;
                const QRect entry = plot->legend->item(i)->outerRect();
                QVERIFY2(plot->rect().contains(entry),
                         qPrintable(QStringLiteral("%1 px wide: legend entry %2 at x %3..%4 of %5")
                                        .arg(width).arg(i).arg(entry.left()).arg(entry.right()).arg(plot->width())));
            }
            // Per batch, smoothed, validation; the loss plot also the learning rate.
            QCOMPARE(entries, plot == window.dashboard()->lossPlot() ? 4 : 3);
        }
    }
}

void TestCanvas::viewStateIsSavedWithTheProject()
{
    const QString path = m_dir.filePath(QStringLiteral("view.lepton"));
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.files()->openProject(kSpiral));
        window.view()->setViewState(0.8, QPointF(500, 100));
        QVERIFY(window.files()->saveProjectAs(path));
        QVERIFY(!window.isWindowModified());
    }
    nlohmann::json saved;
    {
        std::ifstream in(path.toStdString());
        in >> saved;
    }
    QCOMPARE(saved["ui"]["view"]["zoom"].get<double>(), 0.8);
    QCOMPARE(saved["ui"]["view"]["center"]["x"].get<double>(), 500.0);
    QCOMPARE(saved["ui"]["view"]["center"]["y"].get<double>(), 100.0);

    MainWindow reopened;
    reopened.resize(1024, 700);
    reopened.show();
    QVERIFY(QTest::qWaitForWindowExposed(&reopened));
    QVERIFY(reopened.files()->openProject(path));
    QCOMPARE(reopened.view()->zoom(), 0.8);
    const QPointF centre = reopened.view()->centre();
    QVERIFY2(std::abs(centre.x() - 500) <= 1 && std::abs(centre.y() - 100) <= 1,
             qPrintable(describe(centre)));

    // A view the file garbles is no error: the graph is fitted instead.
    saved["ui"]["view"]["zoom"] = "large";
    {
        std::ofstream out(path.toStdString());
        out << saved.dump(2);
    }
    QVERIFY(reopened.files()->openProject(path));
    QVERIFY(reopened.view()->zoom() != 0.8);
}

void TestCanvas::snapToGridIsRememberedAndSnaps()
{
    {
        MainWindow window;
        QAction* snap = action(window, "actionSnapToGrid");
        QVERIFY(!snap->isChecked());
        snap->trigger();
        QVERIFY(window.scene()->snapToGrid());
    }
    MainWindow window;
    QAction* snap = action(window, "actionSnapToGrid");
    QVERIFY(snap->isChecked()); // remembered across windows (QSettings)
    QVERIFY(window.scene()->snapToGrid());
    QVERIFY(window.files()->openProject(kSpiral));
    GraphScene* scene = window.scene();
    const QPointF grip = scene->nodeItem(kFc1)->mapToScene(QPointF(30, 10));
    dragOnScene(scene, grip, grip + QPointF(13, 27));
    const Position snapped = window.document()->graph().node(kFc1)->position;
    QCOMPARE(std::fmod(snapped.x, GraphScene::kGridStep), 0.0);
    QCOMPARE(std::fmod(snapped.y, GraphScene::kGridStep), 0.0);
    QCOMPARE(window.document()->undoStack()->count(), 1);

    snap->trigger();
    QVERIFY(!scene->snapToGrid());
    const QPointF regrip = scene->nodeItem(kFc1)->mapToScene(QPointF(30, 10));
    dragOnScene(scene, regrip, regrip + QPointF(13.4, 7.6));
    const Position free = window.document()->graph().node(kFc1)->position;
    QCOMPARE(free.x, snapped.x + 13);
    QCOMPARE(free.y, snapped.y + 8);
}

QTEST_MAIN(TestCanvas)
#include "tst_canvas.moc"
