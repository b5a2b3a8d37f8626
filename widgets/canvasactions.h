#pragma once

#include "graph/graph.h"

#include <QObject>
#include <QPoint>
#include <QPointF>

class QAction;
class QKeySequence;
class QMenu;
class QWidget;

namespace lepton {

class GraphDocument;
class GraphScene;
class GraphView;
struct GraphFragment;

// An action of the canvas, owned by `owner` and added to `view` so its key
// works there. Keys such as Ctrl+C and Delete also edit text in the palette's
// filter and the inspector: with `canvasOnly` they work only while the canvas
// has the focus.
QAction* addCanvasAction(QWidget* view, QObject* owner, const QString& text, const char* objectName,
                         const QKeySequence& key, bool canvasOnly);

// The editing actions of the canvas (clipboard, duplicate, delete, rename,
// select all, auto layout, fit, snap to grid) and its right-click menus.
// Clipboard actions use the system clipboard with kGraphMimeType, so layers
// copied in one window paste into another. Keys that also edit text (Ctrl+C,
// Delete...) work only while the canvas has the focus.
class CanvasActions : public QObject {
    Q_OBJECT

public:
    explicit CanvasActions(GraphView* view, QObject* parent = nullptr);

    QAction* cut() const { return m_cut; }
    QAction* copy() const { return m_copy; }
    QAction* paste() const { return m_paste; }
    QAction* duplicate() const { return m_duplicate; }
    QAction* remove() const { return m_delete; }
    QAction* removeAndReconnect() const { return m_deleteReconnect; }
    QAction* rename() const { return m_rename; }
    QAction* selectAll() const { return m_selectAll; }
    QAction* autoLayout() const { return m_autoLayout; }
    QAction* fitToView() const { return m_fit; }
    QAction* snapToGrid() const { return m_snap; }

    // Actions the node menu lists after its own (the block actions).
    void addNodeMenuActions(const QList<QAction*>& actions);

    // The menu for a right-click at `viewPos`: for the node there (selected
    // first if it was not; a collapsed block or a group's label selects the
    // group), the wire there, or the empty canvas. The caller owns it.
    QMenu* createContextMenu(QPoint viewPos);
    // Pastes the clipboard with its top-left node at `scenePos`.
    void pasteAt(QPointF scenePos);

Q_SIGNALS:
    // Rename was chosen for this node; the window lets the user type a name.
    void renameRequested(lepton::NodeId id);

private:
    QAction* makeAction(const QString& text, const char* objectName, const QKeySequence& key,
                        bool canvasOnly);
    void updateActions();
    void copySelection();
    void cutSelection();
    void pasteClipboard();
    void duplicateSelection();
    // Adds `fragment` moved by `offset`, as one step named `text`, and
    // selects what was added.
    void addFragment(const GraphFragment& fragment, Position offset, const QString& text);
    // The offset that keeps a pasted copy off the nodes it was copied from.
    Position pasteOffset(const GraphFragment& fragment) const;
    QMenu* nodeMenu(QWidget* parent);
    QMenu* wireMenu(const Edge& edge, QPointF scenePos, QWidget* parent);
    QMenu* canvasMenu(QPointF scenePos, QWidget* parent);

    GraphView* m_view;
    GraphScene* m_scene;
    GraphDocument* m_document;
    QAction* m_cut;
    QAction* m_copy;
    QAction* m_paste;
    QAction* m_duplicate;
    QAction* m_delete;
    QAction* m_deleteReconnect;
    QAction* m_rename;
    QAction* m_selectAll;
    QAction* m_autoLayout;
    QAction* m_fit;
    QAction* m_snap;
    QList<QAction*> m_nodeMenuExtras;
};

} // namespace lepton
