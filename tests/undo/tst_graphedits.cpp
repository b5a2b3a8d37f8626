// Edits of several parts, each one undo step: copy and paste (also between
// two documents through the clipboard), duplicate, inserting a layer into a
// wire, deleting with the chain re-joined, and auto layout. Every undo and
// redo gives back the exact project, which also survives save and load.
#include "canvasactions.h"
#include "commands/connectportscommand.h"
#include "commands/pastenodescommand.h"
#include "commands/removeitemscommand.h"
#include "common/guitestutil.h"
#include "graph/layerregistry.h"
#include "graphedits.h"
#include "graphfragment.h"
#include "graphview.h"
#include "layerpalette.h"

#include <QClipboard>
#include <QFile>
#include <QMimeData>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

#include <memory>
#include <set>

using namespace lepton;
using namespace lepton::testing;

namespace {

// Empty when every edge runs left to right and no two nodes overlap.
QString layoutProblem(const GraphDocument& document)
{
    const Graph& graph = document.graph();
    for (const Edge& edge : graph.edges()) {
        const Node* from = graph.node(edge.fromNode);
        const Node* to = graph.node(edge.toNode);
        if (from->position.x + NodeItem::kWidth >= to->position.x)
            return QStringLiteral("the edge %1 -> %2 does not run rightwards")
                .arg(QString::fromStdString(from->name), QString::fromStdString(to->name));
    }
    for (const Node& a : graph.nodes()) {
        for (const Node& b : graph.nodes()) {
            if (a.id < b.id && nodeRect(document, a).intersects(nodeRect(document, b)))
                return QStringLiteral("%1 and %2 overlap")
                    .arg(QString::fromStdString(a.name), QString::fromStdString(b.name));
        }
        if (a.position.x != std::round(a.position.x) || a.position.y != std::round(a.position.y))
            return QStringLiteral("%1 is not at whole numbers").arg(QString::fromStdString(a.name));
    }
    return {};
}

// Pairs of edges that cross between neighbouring columns, drawn straight.
int crossings(const Graph& graph)
{
    int count = 0;
    const auto& edges = graph.edges();
    for (size_t i = 0; i < edges.size(); ++i) {
        for (size_t j = i + 1; j < edges.size(); ++j) {
            const Position a1 = graph.node(edges[i].fromNode)->position;
            const Position b1 = graph.node(edges[i].toNode)->position;
            const Position a2 = graph.node(edges[j].fromNode)->position;
            const Position b2 = graph.node(edges[j].toNode)->position;
            if (a1.x == a2.x && b1.x == b2.x)
                count += (a1.y - a2.y) * (b1.y - b2.y) < 0;
        }
    }
    return count;
}

// Two chains input -> a -> b -> out joined at an Add, drawn so their middle
// layers swap places and the wires cross.
const char kCrossedProject[] = R"({
  "schema_version": 1, "name": "crossed",
  "graph": {
    "nodes": [
      {"id": 1, "name": "input", "type": "Input", "params": {"shape": [4]}, "position": {"x": 0, "y": 0}},
      {"id": 2, "name": "top", "type": "ReLU", "position": {"x": 300, "y": 0}},
      {"id": 3, "name": "bottom", "type": "Tanh", "position": {"x": 300, "y": 300}},
      {"id": 4, "name": "top_next", "type": "ReLU", "position": {"x": 600, "y": 300}},
      {"id": 5, "name": "bottom_next", "type": "Tanh", "position": {"x": 600, "y": 0}},
      {"id": 6, "name": "join", "type": "Add", "position": {"x": 900, "y": 0}},
      {"id": 7, "name": "wide", "type": "Linear", "position": {"x": 100, "y": 500}},
      {"id": 8, "name": "output", "type": "Output", "position": {"x": 1200, "y": 0}}
    ],
    "edges": [
      {"from": {"node": 1, "port": 0}, "to": {"node": 2, "port": 0}},
      {"from": {"node": 1, "port": 0}, "to": {"node": 3, "port": 0}},
      {"from": {"node": 2, "port": 0}, "to": {"node": 4, "port": 0}},
      {"from": {"node": 3, "port": 0}, "to": {"node": 5, "port": 0}},
      {"from": {"node": 4, "port": 0}, "to": {"node": 6, "port": 0}},
      {"from": {"node": 5, "port": 0}, "to": {"node": 6, "port": 1}},
      {"from": {"node": 1, "port": 0}, "to": {"node": 7, "port": 0}},
      {"from": {"node": 6, "port": 0}, "to": {"node": 8, "port": 0}}
    ]
  },
  "dataset": {"source": "synthetic", "generator": "spiral"},
  "training": {}
})";

} // namespace

class TestGraphEdits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void copyPasteKeepsInnerEdges();
    void pasteAcrossTwoDocuments();
    void duplicateOffsetsEachCopy();
    void pasteIgnoresForeignData();
    void dropOnWireInsertsLayer_data();
    void dropOnWireInsertsLayer();
    void deleteRejoinsChain_data();
    void deleteRejoinsChain();
    void autoLayoutRunsLeftToRight_data();
    void autoLayoutRunsLeftToRight();
    void eachCommandInfersShapesOnce();

private:
    QTemporaryDir m_dir;
};

void TestGraphEdits::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(kSpiral), qPrintable(kSpiral));
    useScratchSettings(m_dir, QStringLiteral("tst_graphedits"));
}

void TestGraphEdits::copyPasteKeepsInnerEdges()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    CanvasActions* actions = window.canvasActions();
    const QString before = snapshot(document->project());

    window.scene()->selectNodes({kFc2, kRelu2});
    QVERIFY(actions->copy()->isEnabled());
    actions->copy()->trigger();
    QVERIFY(actions->paste()->isEnabled());
    actions->paste()->trigger();
    QCOMPARE(document->undoStack()->count(), 1);

    // Fresh ids and names, the edge between them, offset, selected.
    const std::vector<NodeId> pasted = window.scene()->selectedNodeIds();
    QCOMPARE(pasted.size(), size_t(2));
    const Node* fc = document->graph().node(pasted[0]);
    const Node* relu = document->graph().node(pasted[1]);
    QCOMPARE(fc->name, std::string("fc3"));
    QCOMPARE(relu->name, std::string("relu3"));
    QVERIFY(fc->id > kClassifier + 1 && relu->id > fc->id);
    QVERIFY(document->graph().hasEdge({fc->id, 0, relu->id, 0}));
    QCOMPARE(document->graph().edgesOf(fc->id).size(), size_t(1));
    QCOMPARE(document->graph().edgesOf(relu->id).size(), size_t(1));
    QVERIFY(fc->params == document->graph().node(kFc2)->params);
    QCOMPARE(fc->position.x, document->graph().node(kFc2)->position.x + 40);
    QCOMPARE(fc->position.y, document->graph().node(kFc2)->position.y + 40);

    const QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
}

void TestGraphEdits::pasteAcrossTwoDocuments()
{
    MainWindow source;
    QVERIFY(source.files()->openProject(kSpiral));
    source.scene()->selectNodes({kFc1, kFc2, kRelu2, kResidual});
    source.canvasActions()->copy()->trigger();

    MainWindow target; // a new project: input and output only
    GraphDocument* document = target.document();
    const QString before = snapshot(document->project());
    QVERIFY(target.canvasActions()->paste()->isEnabled());
    target.canvasActions()->paste()->trigger();
    QCOMPARE(document->undoStack()->count(), 1);
    QCOMPARE(document->graph().nodes().size(), size_t(6));
    // Free names stay; only the edges among the copied nodes came along.
    for (const char* name : {"fc1", "fc2", "relu2", "residual"})
        QVERIFY2(nodeNamed(*document, name), name);
    const NodeId fc2 = nodeNamed(*document, "fc2");
    const NodeId relu2 = nodeNamed(*document, "relu2");
    const NodeId residual = nodeNamed(*document, "residual");
    QCOMPARE(document->graph().edges().size(), size_t(2));
    QVERIFY(document->graph().hasEdge({fc2, 0, relu2, 0}));
    QVERIFY(document->graph().hasEdge({relu2, 0, residual, 1}));
    QCOMPARE(target.scene()->selectedNodeIds().size(), size_t(4));
    QCOMPARE(document->graph().node(residual)->params.at("inputs").get<int>(), 2);

    const QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(target, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(target, after, m_dir), QString());
}

void TestGraphEdits::duplicateOffsetsEachCopy()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    const Position origin = document->graph().node(kFc1)->position;
    QApplication::clipboard()->clear();

    window.scene()->selectOnly(kFc1);
    window.canvasActions()->duplicate()->trigger();
    const QString once = snapshot(document->project());
    window.scene()->selectOnly(kFc1);
    window.canvasActions()->duplicate()->trigger();
    QCOMPARE(document->undoStack()->count(), 2);
    QVERIFY(document->undoStack()->text(1).startsWith(QStringLiteral("Duplicate")));
    // Duplicating leaves the clipboard alone.
    QVERIFY(!window.canvasActions()->paste()->isEnabled());

    const Node* first = document->graph().node(nodeNamed(*document, "fc3"));
    const Node* second = document->graph().node(nodeNamed(*document, "fc4"));
    QVERIFY(first && second);
    QCOMPARE(first->position.x, origin.x + 40);
    QCOMPARE(second->position.x, origin.x + 80);
    QCOMPARE(second->position.y, origin.y + 80);
    QCOMPARE(window.scene()->selectedNodeIds(), std::vector<NodeId>{second->id});
    QCOMPARE(undoRedoMismatch(window, once, snapshot(document->project())), QString());
}

void TestGraphEdits::pasteIgnoresForeignData()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    const QString before = snapshot(window.document()->project());
    const QByteArray junk[] = {
        "not json",
        R"({"nodes": [{"id": 1, "name": "x", "type": "Linaer"}]})",
        R"({"nodes": [{"id": 1, "name": "x", "type": "Linear", "params": {"out_features": 3000000000}}]})",
        R"({"nodes": {"id": 1}})",
        R"([1, 2, 3])",
    };
    for (const QByteArray& data : junk) {
        auto* mime = new QMimeData;
        mime->setData(QString::fromLatin1(kGraphMimeType), data);
        QApplication::clipboard()->setMimeData(mime);
        window.canvasActions()->paste()->trigger();
        QCOMPARE(window.document()->undoStack()->count(), 0);
        QCOMPARE(snapshot(window.document()->project()), before);
    }
}

void TestGraphEdits::dropOnWireInsertsLayer_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("inserted"); // else added beside, wires untouched
    QTest::newRow("Dropout joins the wire") << "Dropout" << true;
    QTest::newRow("Add joins it through its first input") << "Add" << true;
    QTest::newRow("Input has no input port") << "Input" << false;
    QTest::newRow("Output has no output port") << "Output" << false;
}

void TestGraphEdits::dropOnWireInsertsLayer()
{
    QFETCH(QString, type);
    QFETCH(bool, inserted);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    const QString before = snapshot(document->project());
    const Edge wire{kFc1, 0, 3, 0}; // fc1 -> relu1
    QVERIFY(document->graph().hasEdge(wire));

    // Drop the palette's own drag payload on the middle of the wire.
    QTreeWidget* tree = window.palette()->tree();
    const QList<QTreeWidgetItem*> found = tree->findItems(type, Qt::MatchRecursive | Qt::MatchExactly);
    QCOMPARE(found.size(), 1);
    std::unique_ptr<QMimeData> mime(tree->model()->mimeData({tree->indexFromItem(found.front())}));
    const QPointF middle = window.scene()->edgeItem(wire)->path().pointAtPercent(0.5);
    window.view()->centerOn(middle);
    const QPoint dropPoint = window.view()->mapFromScene(middle);
    QDragEnterEvent enter(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &enter);
    QDragMoveEvent move(dropPoint, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &move);
    QDropEvent drop(QPointF(dropPoint), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window.view()->viewport(), &drop);
    QVERIFY(drop.isAccepted());

    QCOMPARE(document->undoStack()->count(), 1);
    const std::vector<NodeId> selected = window.scene()->selectedNodeIds();
    QCOMPARE(selected.size(), size_t(1));
    const NodeId added = selected.front();
    QCOMPARE(QString::fromStdString(document->graph().node(added)->type), type);
    QCOMPARE(document->graph().hasEdge(wire), !inserted);
    if (inserted) {
        QVERIFY(document->graph().hasEdge({kFc1, 0, added, 0}));
        QVERIFY(document->graph().hasEdge({added, 0, 3, 0}));
        QCOMPARE(document->graph().edges().size(), size_t(9));
    } else {
        QVERIFY(document->graph().edgesOf(added).empty());
    }
    const QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
}

void TestGraphEdits::deleteRejoinsChain_data()
{
    QTest::addColumn<QList<int>>("nodes");
    QTest::addColumn<QList<int>>("bridge"); // from, fromPort, to, toPort; empty: none
    QTest::newRow("fc2 between relu1 and relu2") << QList<int>{kFc2} << QList<int>{3, 0, kRelu2, 0};
    QTest::newRow("fc2 and relu2 in a row") << QList<int>{kFc2, kRelu2} << QList<int>{3, 0, kResidual, 1};
    QTest::newRow("classifier before the output") << QList<int>{kClassifier} << QList<int>{kResidual, 0, 8, 0};
    QTest::newRow("relu1 branches: nothing to re-join") << QList<int>{3} << QList<int>{};
    QTest::newRow("the residual Add has two inputs") << QList<int>{kResidual} << QList<int>{};
}

void TestGraphEdits::deleteRejoinsChain()
{
    QFETCH(QList<int>, nodes);
    QFETCH(QList<int>, bridge);
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    const QString before = snapshot(document->project());
    const std::vector<NodeId> ids(nodes.begin(), nodes.end());
    window.scene()->selectNodes(ids);

    QAction* rejoin = window.canvasActions()->removeAndReconnect();
    QCOMPARE(rejoin->isEnabled(), !bridge.isEmpty());
    if (bridge.isEmpty()) {
        QVERIFY(chainBridges(document->graph(), ids).empty());
        return;
    }
    rejoin->trigger();
    QCOMPARE(document->undoStack()->count(), 1);
    for (NodeId id : ids)
        QVERIFY(!document->graph().node(id));
    const Edge expected{bridge[0], bridge[1], bridge[2], bridge[3]};
    QVERIFY2(document->graph().hasEdge(expected), qPrintable(describe(expected)));
    QVERIFY(document->shapes().ok());
    QVERIFY(document->modelSummary());

    const QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
}

void TestGraphEdits::autoLayoutRunsLeftToRight_data()
{
    QTest::addColumn<QString>("project");
    QTest::newRow("spiral MLP with a residual") << kSpiral;
    QTest::newRow("CNN drawn in two rows") << QStringLiteral(LEPTON_SOURCE_DIR "/projects/fashion-mnist-cnn.lepton");
    QTest::newRow("crossed branches") << QStringLiteral("crossed");
}

void TestGraphEdits::autoLayoutRunsLeftToRight()
{
    QFETCH(QString, project);
    if (project == QStringLiteral("crossed")) {
        project = m_dir.filePath(QStringLiteral("crossed.lepton"));
        QFile file(project);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(kCrossedProject);
    }
    MainWindow window;
    QVERIFY(window.files()->openProject(project));
    GraphDocument* document = window.document();
    const QString before = snapshot(document->project());
    const int crossedBefore = crossings(document->graph());

    QVERIFY(window.canvasActions()->autoLayout()->isEnabled());
    window.canvasActions()->autoLayout()->trigger();
    QCOMPARE(document->undoStack()->count(), 1);
    QCOMPARE(document->undoStack()->text(0), QStringLiteral("Auto Layout"));
    QCOMPARE(layoutProblem(*document), QString());
    QVERIFY(crossings(document->graph()) <= crossedBefore);
    QCOMPARE(crossings(document->graph()), 0);
    // Laid out already: a second run changes nothing and adds no step.
    QVERIFY(!autoLayout(document));
    QCOMPARE(document->undoStack()->count(), 1);

    const QString after = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, before, after), QString());
    QCOMPARE(saveAndReloadMismatch(window, after, m_dir), QString());
}

// A command that adds or removes many nodes and wires infers shapes once, not
// once per node or wire: the whole spiral network pasted, then deleted.
void TestGraphEdits::eachCommandInfersShapesOnce()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    std::vector<NodeId> all;
    for (const Node& node : document->graph().nodes())
        all.push_back(node.id);
    const GraphFragment fragment = copyFragment(document->graph(), all);
    QVERIFY(fragment.nodes.size() > 5 && fragment.edges.size() > 5);

    int before = document->inferenceCount();
    auto* paste = new PasteNodesCommand(document, fragment, {0, 400});
    document->undoStack()->push(paste);
    QCOMPARE(document->inferenceCount(), before + 1);
    QCOMPARE(document->graph().nodes().size(), 2 * all.size());

    before = document->inferenceCount();
    document->undoStack()->push(new RemoveItemsCommand(document, paste->nodeIds(), {}));
    QCOMPARE(document->inferenceCount(), before + 1);
    QCOMPARE(document->graph().nodes().size(), all.size());

    before = document->inferenceCount();
    document->undoStack()->undo();
    document->undoStack()->undo();
    QCOMPARE(document->inferenceCount(), before + 2);
    // Inference that was held back still ran: the shapes match the graph.
    QCOMPARE(document->shapes().nodes.size(), all.size());
    QVERIFY(document->shapes().ok());
}

QTEST_MAIN(TestGraphEdits)
#include "tst_graphedits.moc"
