#include "canvasactions.h"

#include "blocks/blockitem.h"
#include "blocks/groupframeitem.h"
#include "commands/pastenodescommand.h"
#include "commands/removeitemscommand.h"
#include "edgeitem.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphedits.h"
#include "graphfragment.h"
#include "graphscene.h"
#include "graphview.h"
#include "layermenu.h"
#include "nodeitem.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QMimeData>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

constexpr double kPasteStep = 40.0; // each paste of the same nodes lands this much further

std::optional<GraphFragment> clipboardFragment(const LayerRegistry& registry)
{
    return fragmentFromMimeData(QGuiApplication::clipboard()->mimeData(), registry);
}

bool clipboardHasFragment()
{
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    return mime && mime->hasFormat(QString::fromLatin1(kGraphMimeType));
}

QPointF nodeTopLeftFor(QPointF centre)
{
    return centre - QPointF(NodeItem::kWidth / 2, NodeItem::kHeaderHeight / 2);
}

} // namespace

QAction* addCanvasAction(QWidget* view, QObject* owner, const QString& text, const char* objectName,
                         const QKeySequence& key, bool canvasOnly)
{
    auto* action = new QAction(text, owner);
    action->setObjectName(QString::fromLatin1(objectName));
    action->setShortcut(key);
    if (canvasOnly)
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view->addAction(action);
    return action;
}

CanvasActions::CanvasActions(GraphView* view, QObject* parent)
    : QObject(parent)
    , m_view(view)
    , m_scene(view->graphScene())
    , m_document(view->graphScene()->document())
{
    m_cut = makeAction(tr("Cu&t"), "actionCut", QKeySequence::Cut, true);
    m_copy = makeAction(tr("&Copy"), "actionCopy", QKeySequence::Copy, true);
    m_paste = makeAction(tr("&Paste"), "actionPaste", QKeySequence::Paste, true);
    m_duplicate = makeAction(tr("D&uplicate"), "actionDuplicate", QKeySequence(Qt::CTRL | Qt::Key_D), true);
    m_delete = makeAction(tr("&Delete"), "actionDelete", QKeySequence::Delete, true);
    m_delete->setShortcuts({QKeySequence::Delete, QKeySequence(Qt::Key_Backspace)});
    m_deleteReconnect = makeAction(tr("Delete and &Reconnect"), "actionDeleteReconnect",
                                   QKeySequence(Qt::CTRL | Qt::Key_Delete), true);
    m_deleteReconnect->setStatusTip(tr("Delete the selected layers and join the wires they sat in"));
    m_rename = makeAction(tr("Re&name..."), "actionRename", QKeySequence(Qt::Key_F2), true);
    m_selectAll = makeAction(tr("Select &All"), "actionSelectAll", QKeySequence::SelectAll, true);
    m_autoLayout = makeAction(tr("Auto &Layout"), "actionAutoLayout", QKeySequence(Qt::CTRL | Qt::Key_L), false);
    m_autoLayout->setStatusTip(tr("Arrange the graph in columns from inputs to outputs"));
    m_fit = makeAction(tr("&Fit to View"), "actionFitToView", QKeySequence(Qt::CTRL | Qt::Key_0), false);
    m_fit->setIcon(QIcon::fromTheme(QStringLiteral("zoom-fit-best")));
    m_snap = makeAction(tr("&Snap to Grid"), "actionSnapToGrid", QKeySequence(), false);
    m_snap->setCheckable(true);

    connect(m_cut, &QAction::triggered, this, &CanvasActions::cutSelection);
    connect(m_copy, &QAction::triggered, this, &CanvasActions::copySelection);
    connect(m_paste, &QAction::triggered, this, &CanvasActions::pasteClipboard);
    connect(m_duplicate, &QAction::triggered, this, &CanvasActions::duplicateSelection);
    connect(m_delete, &QAction::triggered, m_scene, &GraphScene::deleteSelection);
    connect(m_deleteReconnect, &QAction::triggered, this, [this] {
        removeItemsRejoining(m_document, m_scene->selectedNodeIds(), m_scene->selectedEdges());
    });
    connect(m_rename, &QAction::triggered, this, [this] {
        const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
        if (nodes.size() == 1)
            Q_EMIT renameRequested(nodes.front());
    });
    connect(m_selectAll, &QAction::triggered, this, [this] {
        for (QGraphicsItem* item : m_scene->items()) {
            if (item->flags() & QGraphicsItem::ItemIsSelectable)
                item->setSelected(true);
        }
    });
    connect(m_autoLayout, &QAction::triggered, this, [this] { lepton::autoLayout(m_document); });
    connect(m_fit, &QAction::triggered, m_view, &GraphView::fitToContents);
    connect(m_snap, &QAction::toggled, m_scene, &GraphScene::setSnapToGrid);

    connect(m_scene, &QGraphicsScene::selectionChanged, this, &CanvasActions::updateActions);
    connect(m_document, &GraphDocument::shapesChanged, this, &CanvasActions::updateActions);
    connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this, &CanvasActions::updateActions);
    connect(m_view, &GraphView::contextMenuRequested, this, [this](QPoint viewPos, QPoint globalPos) {
        QMenu* menu = createContextMenu(viewPos);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(globalPos);
    });
    updateActions();
}

void CanvasActions::addNodeMenuActions(const QList<QAction*>& actions)
{
    m_nodeMenuExtras += actions;
}

QMenu* CanvasActions::createContextMenu(QPoint viewPos)
{
    const QPointF scenePos = m_view->mapToScene(viewPos);
    BlockItem* block = m_scene->blockItemAt(scenePos);
    GroupFrameItem* frame = block ? nullptr : m_scene->frameItemAt(scenePos);
    if (block || (frame && !m_scene->nodeItemAt(scenePos))) {
        if (!block || !block->isSelected())
            m_scene->selectGroup(block ? block->groupName() : frame->groupName());
        return nodeMenu(m_view);
    }
    if (NodeItem* node = m_scene->nodeItemAt(scenePos)) {
        if (!node->isSelected())
            m_scene->selectOnly(node->nodeId());
        return nodeMenu(m_view);
    }
    if (EdgeItem* wire = m_scene->edgeItemAt(scenePos))
        return wireMenu(wire->edge(), scenePos, m_view);
    return canvasMenu(scenePos, m_view);
}

void CanvasActions::pasteAt(QPointF scenePos)
{
    const std::optional<GraphFragment> fragment = clipboardFragment(m_document->registry());
    if (!fragment)
        return;
    double left = fragment->nodes.front().position.x;
    double top = fragment->nodes.front().position.y;
    for (const Node& node : fragment->nodes) {
        left = std::min(left, node.position.x);
        top = std::min(top, node.position.y);
    }
    addFragment(*fragment, {std::round(scenePos.x() - left), std::round(scenePos.y() - top)}, QString());
}

QAction* CanvasActions::makeAction(const QString& text, const char* objectName, const QKeySequence& key,
                                   bool canvasOnly)
{
    return addCanvasAction(m_view, this, text, objectName, key, canvasOnly);
}

void CanvasActions::updateActions()
{
    const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
    const bool anyNode = !nodes.empty();
    m_cut->setEnabled(anyNode);
    m_copy->setEnabled(anyNode);
    m_duplicate->setEnabled(anyNode);
    m_rename->setEnabled(nodes.size() == 1);
    m_delete->setEnabled(!m_scene->selectedItems().isEmpty());
    m_deleteReconnect->setEnabled(anyNode && !chainBridges(m_document->graph(), nodes).empty());
    m_paste->setEnabled(clipboardHasFragment());
    m_autoLayout->setEnabled(!m_document->graph().nodes().empty());
}

void CanvasActions::copySelection()
{
    const GraphFragment fragment = copyFragment(m_document->graph(), m_scene->selectedNodeIds());
    if (!fragment.empty())
        QGuiApplication::clipboard()->setMimeData(fragmentToMimeData(fragment));
}

void CanvasActions::cutSelection()
{
    if (m_scene->selectedNodeIds().empty())
        return;
    copySelection();
    m_scene->deleteSelection();
}

void CanvasActions::pasteClipboard()
{
    const std::optional<GraphFragment> fragment = clipboardFragment(m_document->registry());
    if (fragment)
        addFragment(*fragment, pasteOffset(*fragment), QString());
}

void CanvasActions::duplicateSelection()
{
    const GraphFragment fragment = copyFragment(m_document->graph(), m_scene->selectedNodeIds());
    if (fragment.empty())
        return;
    const QString what = fragment.nodes.size() == 1
        ? QString::fromStdString(describeNode(fragment.nodes.front()))
        : tr("%1 layers").arg(fragment.nodes.size());
    addFragment(fragment, pasteOffset(fragment), tr("Duplicate %1").arg(what));
}

void CanvasActions::addFragment(const GraphFragment& fragment, Position offset, const QString& text)
{
    auto* command = new PasteNodesCommand(m_document, fragment, offset);
    if (!text.isEmpty())
        command->setText(text);
    m_document->undoStack()->push(command);
    m_scene->selectNodes(command->nodeIds());
}

Position CanvasActions::pasteOffset(const GraphFragment& fragment) const
{
    const Graph& graph = m_document->graph();
    auto lands = [&graph](const Node& pasted, double offset) {
        return std::any_of(graph.nodes().begin(), graph.nodes().end(), [&](const Node& node) {
            return std::abs(node.position.x - (pasted.position.x + offset)) < 1
                && std::abs(node.position.y - (pasted.position.y + offset)) < 1;
        });
    };
    double offset = kPasteStep;
    while (std::any_of(fragment.nodes.begin(), fragment.nodes.end(),
                       [&](const Node& node) { return lands(node, offset); }))
        offset += kPasteStep;
    return {offset, offset};
}

QMenu* CanvasActions::nodeMenu(QWidget* parent)
{
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("nodeMenu"));
    menu->addAction(m_rename);
    menu->addSeparator();
    menu->addAction(m_cut);
    menu->addAction(m_copy);
    menu->addAction(m_duplicate);
    menu->addSeparator();
    menu->addAction(m_delete);
    menu->addAction(m_deleteReconnect);
    if (!m_nodeMenuExtras.isEmpty()) {
        menu->addSeparator();
        menu->addActions(m_nodeMenuExtras);
    }
    return menu;
}

QMenu* CanvasActions::wireMenu(const Edge& edge, QPointF scenePos, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("wireMenu"));
    QAction* remove = menu->addAction(tr("&Delete Connection"));
    remove->setObjectName(QStringLiteral("actionDeleteConnection"));
    connect(remove, &QAction::triggered, this, [this, edge] {
        m_document->undoStack()->push(new RemoveItemsCommand(m_document, {}, {edge}));
    });
    QMenu* insert = menu->addMenu(tr("&Insert Layer"));
    insert->setObjectName(QStringLiteral("insertLayerMenu"));
    const LayerRegistry& registry = m_document->registry();
    const QPointF topLeft = nodeTopLeftFor(scenePos);
    addLayerMenus(
        insert, registry, [&registry](const LayerSpec& spec) { return canInsertIntoEdge(registry, spec.type); },
        [this, edge, topLeft](const QString& type) {
            const QPointF at(std::round(topLeft.x()), std::round(topLeft.y()));
            m_scene->selectOnly(insertLayerIntoEdge(m_document, type.toStdString(), edge, {at.x(), at.y()}));
        });
    return menu;
}

QMenu* CanvasActions::canvasMenu(QPointF scenePos, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("canvasMenu"));
    QMenu* add = menu->addMenu(tr("&Add Layer"));
    add->setObjectName(QStringLiteral("addLayerMenu"));
    addLayerMenus(
        add, m_document->registry(), [](const LayerSpec&) { return true; },
        [this, scenePos](const QString& type) { m_view->addLayer(type, scenePos); });
    QAction* paste = menu->addAction(tr("&Paste Here"));
    paste->setObjectName(QStringLiteral("actionPasteHere"));
    paste->setEnabled(clipboardHasFragment());
    connect(paste, &QAction::triggered, this, [this, scenePos] { pasteAt(scenePos); });
    menu->addSeparator();
    menu->addAction(m_selectAll);
    menu->addAction(m_autoLayout);
    menu->addAction(m_fit);
    return menu;
}

} // namespace lepton
