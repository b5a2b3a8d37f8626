#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <string>
#include <vector>

class QAction;

namespace lepton {

class GraphDocument;
class GraphScene;
class GraphView;
class UserBlockLibrary;

// The canvas's block actions: Group as Block (Ctrl+G), Ungroup
// (Ctrl+Shift+G), Collapse Block, Expand Block and Save Block to Library.
// Each acts on the groups holding the selected layers (a selected collapsed
// block counts as its layers) and is one undo step; a refusal goes to the
// status bar with its reason. Saved blocks go to `library`.
class BlockActions : public QObject {
    Q_OBJECT

public:
    BlockActions(GraphView* view, UserBlockLibrary* library, QObject* parent = nullptr);

    QAction* group() const { return m_group; }
    QAction* ungroup() const { return m_ungroup; }
    QAction* collapse() const { return m_collapse; }
    QAction* expand() const { return m_expand; }
    QAction* saveToLibrary() const { return m_save; }
    QList<QAction*> actions() const;

    // The steps behind the actions, without their dialogs. Each returns why
    // it did nothing (also shown in the status bar), empty when done.
    QString groupSelection(const QString& name);
    QString ungroupSelection();
    QString setSelectionCollapsed(bool collapsed);
    // Saves the block of the one selected group to the library as `name`.
    QString saveSelectionToLibrary(const QString& name);

Q_SIGNALS:
    void statusMessage(const QString& message);

private:
    // The names of the groups holding selected nodes, in the project's order.
    std::vector<std::string> selectedGroups() const;
    void updateActions();
    void askAndGroup();
    void askAndSave();
    QString refuse(const QString& what, const QString& reason);

    GraphView* m_view;
    GraphScene* m_scene;
    GraphDocument* m_document;
    UserBlockLibrary* m_library;
    QAction* m_group;
    QAction* m_ungroup;
    QAction* m_collapse;
    QAction* m_expand;
    QAction* m_save;
};

} // namespace lepton
