#pragma once

// Fixtures shared by the widget tests (tests/gui, tests/undo): the spiral
// project, scene mouse input and checks that the canvas mirrors the document
// (its groups included).
// Checks return what is wrong, empty when all is well, so that a test can
// write QCOMPARE(sceneMismatch(window), QString()) and stop at the first fault.
#include "blocks/blockitem.h"
#include "blocks/groupframeitem.h"
#include "edgeitem.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "mainwindow.h"
#include "projectfiles.h"
#include "nodeitem.h"
#include "portitem.h"
#include "project/project.h"

#include <QAction>
#include <QApplication>
#include <QCoreApplication>
#include <QGraphicsSceneMouseEvent>
#include <QPainterPath>
#include <QSettings>
#include <QString>
#include <QTemporaryDir>
#include <QUndoStack>

#include <algorithm>
#include <exception>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lepton::testing {

inline const QString kSpiral = QStringLiteral(LEPTON_SOURCE_DIR "/projects/spiral-mlp.lepton");

// Ids in projects/spiral-mlp.lepton.
inline constexpr NodeId kFc1 = 2;
inline constexpr NodeId kFc2 = 4;
inline constexpr NodeId kRelu2 = 5;
inline constexpr NodeId kResidual = 6;
inline constexpr NodeId kClassifier = 7;

// Recent files and window state go to `dir`, never to the user's settings.
inline void useScratchSettings(const QTemporaryDir& dir, const QString& application)
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("LeptonTest"));
    QCoreApplication::setApplicationName(application);
}

// The project as its file would hold it. Graph keeps nodes in id order and
// edges sorted, so undo must give back these exact bytes, order included.
// The ui state (zoom, view centre) is left out: saving records it, but it
// is no edit and undo does not touch it.
// Writes the spiral example to `path` with `edit` applied to its JSON, and
// returns `path`.
inline QString writeSpiralVariant(const QString& path, const std::function<void(nlohmann::json&)>& edit)
{
    nlohmann::json project;
    {
        std::ifstream in(kSpiral.toStdString());
        in >> project;
    }
    edit(project);
    std::ofstream out(path.toStdString());
    out << project.dump(2);
    return path;
}

inline QString snapshot(const Project& project)
{
    nlohmann::ordered_json json = projectToJson(project);
    json.erase("ui");
    return QString::fromStdString(json.dump());
}

inline NodeId nodeNamed(const GraphDocument& document, const std::string& name)
{
    const Node* node = document.graph().nodeByName(name);
    return node ? node->id : 0;
}

inline QAction* action(const MainWindow& window, const char* name)
{
    auto* found = window.findChild<QAction*>(QString::fromLatin1(name));
    if (!found)
        qFatal("no action %s", name);
    return found;
}

template <typename Item>
int countItems(const QGraphicsScene* scene)
{
    int count = 0;
    for (QGraphicsItem* item : scene->items())
        count += qgraphicsitem_cast<Item*>(item) != nullptr;
    return count;
}

// Where a node sits on the canvas, in scene coordinates.
inline QRectF nodeRect(const GraphDocument& document, const Node& node)
{
    return QRectF(node.position.x, node.position.y, NodeItem::kWidth,
                  NodeItem::heightFor(document.registry(), node));
}

// Where a wire of the port ends: on the node, or on the collapsed block
// standing for it. Found from the block's own items, not from the scene's
// routing, so tests check that routing.
inline const PortItem* portOf(const GraphScene* scene, NodeId node, PortItem::Direction direction, int port)
{
    const NodeGroup* group = scene->document()->groupOf(node);
    const bool input = direction == PortItem::Direction::Input;
    if (group && group->collapsed) {
        const BlockItem* block = scene->blockItem(group->name);
        return !block ? nullptr : input ? block->inputPort(node, port) : block->outputPort(node, port);
    }
    const NodeItem* item = scene->nodeItem(node);
    return !item ? nullptr : input ? item->inputPort(port) : item->outputPort(port);
}

inline QPointF outputPortPos(const GraphScene* scene, NodeId node, int port = 0)
{
    return portOf(scene, node, PortItem::Direction::Output, port)->scenePos();
}

inline QPointF inputPortPos(const GraphScene* scene, NodeId node, int port = 0)
{
    return portOf(scene, node, PortItem::Direction::Input, port)->scenePos();
}

inline void sendMouse(QGraphicsScene* scene, QEvent::Type type, QPointF pos, QPointF downPos,
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
inline void dragOnScene(QGraphicsScene* scene, QPointF from, QPointF to)
{
    sendMouse(scene, QEvent::GraphicsSceneMousePress, from, from, Qt::LeftButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, (from + to) / 2, from, Qt::NoButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseMove, to, from, Qt::NoButton, Qt::LeftButton);
    sendMouse(scene, QEvent::GraphicsSceneMouseRelease, to, from, Qt::LeftButton, Qt::NoButton);
}

inline QString describe(QPointF point)
{
    return QStringLiteral("(%1, %2)").arg(point.x()).arg(point.y());
}

inline QString describe(const Edge& edge)
{
    return QStringLiteral("%1:%2 -> %3:%4")
        .arg(edge.fromNode).arg(edge.fromPort).arg(edge.toNode).arg(edge.toPort);
}

// Empty when each expanded group has a frame around its nodes and each
// collapsed one a block item at their top-left corner, standing for hidden
// nodes; otherwise the first difference.
inline QString groupsMismatch(const MainWindow& window)
{
    const GraphDocument* document = window.document();
    const GraphScene* scene = window.scene();
    const std::vector<NodeGroup>& groups = document->groups();
    const auto collapsed
        = int(std::count_if(groups.begin(), groups.end(), [](const NodeGroup& g) { return g.collapsed; }));
    if (countItems<BlockItem>(scene) != collapsed)
        return QStringLiteral("%1 block items for %2 collapsed groups")
            .arg(countItems<BlockItem>(scene)).arg(collapsed);
    if (countItems<GroupFrameItem>(scene) != int(groups.size()) - collapsed)
        return QStringLiteral("%1 frames for %2 expanded groups")
            .arg(countItems<GroupFrameItem>(scene)).arg(int(groups.size()) - collapsed);
    for (const NodeGroup& group : groups) {
        const QString name = QString::fromStdString(group.name);
        QRectF members;
        QPointF topLeft(1e300, 1e300);
        for (NodeId id : group.nodes) {
            const Node* node = document->graph().node(id);
            if (!node)
                return QStringLiteral("group %1 holds node %2, which is not in the graph").arg(name).arg(id);
            members = members.united(nodeRect(*document, *node));
            topLeft = QPointF(std::min(topLeft.x(), node->position.x), std::min(topLeft.y(), node->position.y));
            if (scene->nodeItem(id)->isVisible() == group.collapsed)
                return QStringLiteral("node %1 of %2 group %3 is %4").arg(id)
                    .arg(group.collapsed ? QStringLiteral("collapsed") : QStringLiteral("expanded"), name,
                         group.collapsed ? QStringLiteral("shown") : QStringLiteral("hidden"));
        }
        if (group.collapsed) {
            const BlockItem* block = scene->blockItem(group.name);
            if (!block)
                return QStringLiteral("collapsed group %1 has no block item").arg(name);
            if (block->pos() != topLeft)
                return QStringLiteral("block %1 is at %2, its nodes start at %3")
                    .arg(name, describe(block->pos()), describe(topLeft));
        } else {
            const GroupFrameItem* frame = scene->frameItem(group.name);
            if (!frame)
                return QStringLiteral("expanded group %1 has no frame").arg(name);
            if (!frame->boundingRect().contains(members))
                return QStringLiteral("the frame of %1 does not enclose its nodes").arg(name);
        }
    }
    return {};
}

// Empty when every node and edge has exactly one item, nodes sit at their
// positions, edges end on their ports (a collapsed block's, or hidden inside
// it), no edge is there twice and no input port takes two, and the groups
// are drawn as they are; otherwise the first difference.
inline QString sceneMismatch(const MainWindow& window)
{
    const Graph& graph = window.document()->graph();
    const GraphScene* scene = window.scene();
    const int nodeItems = countItems<NodeItem>(scene);
    if (nodeItems != int(graph.nodes().size()))
        return QStringLiteral("%1 node items for %2 nodes").arg(nodeItems).arg(graph.nodes().size());
    const int edgeItems = countItems<EdgeItem>(scene);
    if (edgeItems != int(graph.edges().size()))
        return QStringLiteral("%1 edge items for %2 edges").arg(edgeItems).arg(graph.edges().size());

    std::vector<Edge> edges = graph.edges();
    std::sort(edges.begin(), edges.end());
    if (auto twice = std::adjacent_find(edges.begin(), edges.end()); twice != edges.end())
        return QStringLiteral("the edge %1 is there twice").arg(describe(*twice));
    const auto sameInput = [](const Edge& a, const Edge& b) {
        return a.toNode == b.toNode && a.toPort == b.toPort;
    };
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
        return std::pair(a.toNode, a.toPort) < std::pair(b.toNode, b.toPort);
    });
    if (auto shared = std::adjacent_find(edges.begin(), edges.end(), sameInput); shared != edges.end())
        return QStringLiteral("an input port takes two edges: %1 and %2")
            .arg(describe(shared[0]), describe(shared[1]));

    for (const Node& node : graph.nodes()) {
        const NodeItem* item = scene->nodeItem(node.id);
        if (!item)
            return QStringLiteral("node %1 has no item").arg(node.id);
        const QPointF expected(node.position.x, node.position.y);
        if (item->pos() != expected)
            return QStringLiteral("node %1's item is at %2, the graph says %3")
                .arg(node.id).arg(describe(item->pos()), describe(expected));
    }
    for (const Edge& edge : graph.edges()) {
        const EdgeItem* item = scene->edgeItem(edge);
        if (!item)
            return QStringLiteral("edge %1 has no item").arg(describe(edge));
        const NodeGroup* group = window.document()->groupOf(edge.fromNode);
        const bool inner = group && group->collapsed && group == window.document()->groupOf(edge.toNode);
        if (item->isVisible() == inner)
            return QStringLiteral("edge %1 is %2")
                .arg(describe(edge), inner ? QStringLiteral("shown inside a collapsed block") : QStringLiteral("hidden"));
        if (inner)
            continue;
        const PortItem* out = portOf(scene, edge.fromNode, PortItem::Direction::Output, edge.fromPort);
        const PortItem* in = portOf(scene, edge.toNode, PortItem::Direction::Input, edge.toPort);
        if (!out || !in)
            return QStringLiteral("edge %1 has no port to end on").arg(describe(edge));
        const QPainterPath& path = item->path();
        const QPointF from = out->scenePos();
        const QPointF to = in->scenePos();
        if (path.pointAtPercent(0) != from)
            return QStringLiteral("edge %1 starts at %2, its output port is at %3")
                .arg(describe(edge), describe(path.pointAtPercent(0)), describe(from));
        if (path.pointAtPercent(1) != to)
            return QStringLiteral("edge %1 ends at %2, its input port is at %3")
                .arg(describe(edge), describe(path.pointAtPercent(1)), describe(to));
    }
    return groupsMismatch(window);
}

// Empty when `actual` is `expected` byte for byte; otherwise where they part.
inline QString snapshotMismatch(const QString& actual, const QString& expected)
{
    if (actual == expected)
        return {};
    const auto parted = std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end());
    const qsizetype at = parted.first - actual.begin();
    const qsizetype from = std::max<qsizetype>(0, at - 40);
    return QStringLiteral("project differs at byte %1 (%2 vs %3 bytes):\n  actual:   ...%4\n  expected: ...%5")
        .arg(at).arg(actual.size()).arg(expected.size())
        .arg(actual.mid(from, 120), expected.mid(from, 120));
}

// Empty when the window's project is `expected` byte for byte and its scene
// mirrors the graph; otherwise the first difference.
inline QString projectMismatch(const MainWindow& window, const QString& expected)
{
    const QString differs = snapshotMismatch(snapshot(window.document()->project()), expected);
    return differs.isEmpty() ? sceneMismatch(window) : differs;
}

// Undo, redo, undo, redo: each must land on `before` or `after` exactly.
inline QString undoRedoMismatch(MainWindow& window, const QString& before, const QString& after)
{
    QUndoStack* undo = window.document()->undoStack();
    for (int round = 0; round < 2; ++round) {
        undo->undo();
        if (QString differs = projectMismatch(window, before); !differs.isEmpty())
            return QStringLiteral("after undo: ") + differs;
        undo->redo();
        if (QString differs = projectMismatch(window, after); !differs.isEmpty())
            return QStringLiteral("after redo: ") + differs;
    }
    return {};
}

// Saves the project as reloaded.lepton in `dir`, loads the file back and
// opens it again. Empty when the window's project, the saved file and the
// reopened project are all `expected` and the scene mirrors it; otherwise
// the first difference.
inline QString saveAndReloadMismatch(MainWindow& window, const QString& expected, const QTemporaryDir& dir)
{
    const QString path = dir.filePath(QStringLiteral("reloaded.lepton"));
    if (QString differs = snapshotMismatch(snapshot(window.document()->project()), expected); !differs.isEmpty())
        return QStringLiteral("before saving: ") + differs;
    if (!window.files()->saveProjectAs(path))
        return QStringLiteral("cannot save ") + path;
    try {
        const Project saved = loadProject(path.toStdString(), window.document()->registry());
        if (QString differs = snapshotMismatch(snapshot(saved), expected); !differs.isEmpty())
            return QStringLiteral("the saved file: ") + differs;
    } catch (const std::exception& error) {
        return QStringLiteral("loading the saved file: ") + QString::fromUtf8(error.what());
    }
    if (!window.files()->openProject(path))
        return QStringLiteral("cannot reopen ") + path;
    if (QString differs = projectMismatch(window, expected); !differs.isEmpty())
        return QStringLiteral("after reopening: ") + differs;
    return {};
}

} // namespace lepton::testing
