#include "blocks/blockactions.h"

#include "blocks/userblocklibrary.h"
#include "canvasactions.h"
#include "commands/groupnodescommand.h"
#include "commands/setgroupcollapsedcommand.h"
#include "commands/ungroupcommand.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "graphview.h"

#include <QAction>
#include <QInputDialog>
#include <QMessageBox>
#include <QUndoStack>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace lepton {

namespace {

// One command, or several as one step named `text`.
void pushAll(GraphDocument* document, const QString& text, std::vector<QUndoCommand*> commands)
{
    QUndoStack* stack = document->undoStack();
    if (commands.size() == 1) {
        stack->push(commands.front());
        return;
    }
    const GraphDocument::ShapeBatch batch(document);
    stack->beginMacro(text);
    for (QUndoCommand* command : commands)
        stack->push(command);
    stack->endMacro();
}

} // namespace

BlockActions::BlockActions(GraphView* view, UserBlockLibrary* library, QObject* parent)
    : QObject(parent)
    , m_view(view)
    , m_scene(view->graphScene())
    , m_document(view->graphScene()->document())
    , m_library(library)
{
    m_group = addCanvasAction(m_view, this, tr("&Group as Block..."), "actionGroupAsBlock",
                              QKeySequence(Qt::CTRL | Qt::Key_G), true);
    m_group->setStatusTip(tr("Make the selected layers a named block that can be collapsed and reused"));
    m_ungroup = addCanvasAction(m_view, this, tr("Ung&roup"), "actionUngroup",
                                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G), true);
    m_ungroup->setStatusTip(tr("Dissolve the selected blocks into plain layers"));
    m_collapse = addCanvasAction(m_view, this, tr("&Collapse Block"), "actionCollapseBlock", QKeySequence(), true);
    m_collapse->setStatusTip(tr("Show the selected blocks as one node each"));
    m_expand = addCanvasAction(m_view, this, tr("&Expand Block"), "actionExpandBlock", QKeySequence(), true);
    m_expand->setStatusTip(tr("Show the layers of the selected blocks"));
    m_save = addCanvasAction(m_view, this, tr("&Save Block to Library..."), "actionSaveBlockToLibrary",
                             QKeySequence(), true);
    m_save->setStatusTip(tr("Keep the selected block in your library, for every project"));

    connect(m_group, &QAction::triggered, this, &BlockActions::askAndGroup);
    connect(m_ungroup, &QAction::triggered, this, &BlockActions::ungroupSelection);
    connect(m_collapse, &QAction::triggered, this, [this] { setSelectionCollapsed(true); });
    connect(m_expand, &QAction::triggered, this, [this] { setSelectionCollapsed(false); });
    connect(m_save, &QAction::triggered, this, &BlockActions::askAndSave);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &BlockActions::updateActions);
    connect(m_document, &GraphDocument::groupsChanged, this, &BlockActions::updateActions);
    updateActions();
}

QList<QAction*> BlockActions::actions() const
{
    return {m_group, m_ungroup, m_collapse, m_expand, m_save};
}

QString BlockActions::groupSelection(const QString& name)
{
    const QString what = tr("Cannot group as a block");
    const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
    const Graph& graph = m_document->graph();
    for (NodeId id : nodes) {
        if (const NodeGroup* group = m_document->groupOf(id))
            return refuse(what, tr("%1 is already in block '%2': ungroup that first")
                                    .arg(QString::fromStdString(describeNode(*graph.node(id))),
                                         QString::fromStdString(group->name)));
    }
    const std::string blockName = name.trimmed().toStdString();
    BlockDefinition block;
    try {
        block = blockFromSelection(graph, nodes, blockName, m_document->registry());
    } catch (const std::invalid_argument& error) {
        return refuse(what, QString::fromStdString(error.what()));
    }
    if (m_document->block(blockName))
        return refuse(what, tr("the project already has a block named '%1'").arg(name.trimmed()));
    m_document->undoStack()->push(new GroupNodesCommand(m_document, std::move(block), nodes));
    m_scene->selectNodes(nodes);
    return {};
}

QString BlockActions::ungroupSelection()
{
    const std::vector<std::string> groups = selectedGroups();
    if (groups.empty())
        return refuse(tr("Cannot ungroup"), tr("no block is selected"));
    const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
    std::vector<QUndoCommand*> commands;
    for (const std::string& group : groups)
        commands.push_back(new UngroupCommand(m_document, group));
    pushAll(m_document, tr("Ungroup %1 blocks").arg(groups.size()), std::move(commands));
    m_scene->selectNodes(nodes);
    return {};
}

QString BlockActions::setSelectionCollapsed(bool collapsed)
{
    std::vector<QUndoCommand*> commands;
    for (const std::string& group : selectedGroups()) {
        if (m_document->group(group)->collapsed != collapsed)
            commands.push_back(new SetGroupCollapsedCommand(m_document, group, collapsed));
    }
    if (commands.empty())
        return refuse(collapsed ? tr("Cannot collapse") : tr("Cannot expand"),
                      collapsed ? tr("no expanded block is selected") : tr("no collapsed block is selected"));
    const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
    const QString text = collapsed ? tr("Collapse %1 blocks") : tr("Expand %1 blocks");
    pushAll(m_document, text.arg(commands.size()), std::move(commands));
    m_scene->selectNodes(nodes); // the block stands for its nodes now, or they for it
    return {};
}

QString BlockActions::saveSelectionToLibrary(const QString& name)
{
    const QString what = tr("Cannot save the block");
    const std::vector<std::string> groups = selectedGroups();
    if (groups.size() != 1)
        return refuse(what, tr("select the layers of one block"));
    const NodeGroup& group = *m_document->group(groups.front());
    BlockDefinition block;
    try {
        // A plain group has no definition yet: its layers as they are.
        const BlockDefinition* definition = m_document->block(group.block);
        block = definition ? *definition
                           : blockFromSelection(m_document->graph(), group.nodes, group.name, m_document->registry());
        block.name = name.trimmed().toStdString();
        const QString file = m_library->save(block);
        Q_EMIT statusMessage(tr("Saved block '%1' to %2").arg(name.trimmed(), file));
    } catch (const std::exception& error) {
        return refuse(what, QString::fromStdString(error.what()));
    }
    return {};
}

std::vector<std::string> BlockActions::selectedGroups() const
{
    const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
    std::vector<std::string> names;
    for (const NodeGroup& group : m_document->groups()) {
        const bool touched = std::any_of(group.nodes.begin(), group.nodes.end(), [&nodes](NodeId id) {
            return std::binary_search(nodes.begin(), nodes.end(), id); // selectedNodeIds() is sorted
        });
        if (touched)
            names.push_back(group.name);
    }
    return names;
}

void BlockActions::updateActions()
{
    const std::vector<std::string> groups = selectedGroups();
    const auto any = [this, &groups](bool collapsed) {
        return std::any_of(groups.begin(), groups.end(), [this, collapsed](const std::string& name) {
            return m_document->group(name)->collapsed == collapsed;
        });
    };
    m_group->setEnabled(!m_scene->selectedNodeIds().empty());
    m_ungroup->setEnabled(!groups.empty());
    m_collapse->setEnabled(any(false));
    m_expand->setEnabled(any(true));
    m_save->setEnabled(groups.size() == 1);
}

void BlockActions::askAndGroup()
{
    std::string suggestion = "block";
    for (int n = 2; m_document->block(suggestion); ++n)
        suggestion = "block" + std::to_string(n);
    bool ok = false;
    const QString name = QInputDialog::getText(m_view, tr("Group as Block"), tr("Name of the new block:"),
                                               QLineEdit::Normal, QString::fromStdString(suggestion), &ok);
    if (ok)
        groupSelection(name);
}

void BlockActions::askAndSave()
{
    const std::vector<std::string> groups = selectedGroups();
    if (groups.size() != 1)
        return;
    const NodeGroup& group = *m_document->group(groups.front());
    bool ok = false;
    const QString name = QInputDialog::getText(
        m_view, tr("Save Block to Library"), tr("Name in your library:"), QLineEdit::Normal,
        QString::fromStdString(group.block.empty() ? group.name : group.block), &ok);
    if (!ok)
        return;
    if (m_library->block(name.trimmed().toStdString())
        && QMessageBox::question(m_view, tr("Replace Block"),
                                 tr("Your library already has a block named '%1'. Replace it?").arg(name.trimmed()))
            != QMessageBox::Yes)
        return;
    saveSelectionToLibrary(name);
}

QString BlockActions::refuse(const QString& what, const QString& reason)
{
    Q_EMIT statusMessage(QStringLiteral("%1: %2").arg(what, reason));
    return reason;
}

} // namespace lepton
