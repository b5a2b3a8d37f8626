#pragma once

#include <QObject>
#include <QString>

class QAction;
class QWidget;

namespace lepton {

class GraphDocument;
class GraphView;
class ProjectRecovery;
class RecentFilesMenu;
class TrainingActions;

// The project's life on disk in the workbench: New (blank, from a template,
// from data), Open and Open Recent, Save and Save As, the question about
// unsaved edits before any of them replaces the project, the view state
// saved with it, and the recovery file that keeps unsaved edits safe.
class ProjectFiles : public QObject {
    Q_OBJECT

public:
    ProjectFiles(GraphDocument* document, GraphView* view, TrainingActions* training, QWidget* window);

    QAction* newAction() const { return m_newAction; }
    QAction* newFromTemplateAction() const { return m_newFromTemplateAction; }
    QAction* newFromDataAction() const { return m_newFromDataAction; }
    QAction* openAction() const { return m_openAction; }
    QAction* saveAction() const { return m_saveAction; }
    QAction* saveAsAction() const { return m_saveAsAction; }
    RecentFilesMenu* recentMenu() const { return m_recentMenu; }
    ProjectRecovery* recovery() const { return m_recovery; }

    // Opens a project and restores its view. On failure the error is shown
    // and the current project stays.
    bool openProject(const QString& path);
    // Saves under `path`; on failure the error is shown.
    bool saveProjectAs(const QString& path);
    bool save();
    bool saveAs(); // asks where

    void newProject();
    void newFromTemplate();
    // A project around a data file or folder, with a network that fits it.
    void newFromData();
    void open(); // asks which

    // Asks about unsaved changes; false when the user cancels.
    bool maybeSave();
    // Both questions the open project's going raises: unsaved edits, a run.
    bool mayReplaceProject();

Q_SIGNALS:
    void statusMessage(const QString& message);
    void problem(const QString& title, const QString& message);
    // A project was opened from a file (not made new).
    void opened();

private:
    void createActions();
    void remember(const QString& path);
    // The view's zoom and centre go into the project's ui state, which is
    // saved with it but is no edit; restoreView() reads them back after
    // opening, or fits the graph when the file has none.
    void storeView();
    void restoreView();

    GraphDocument* m_document;
    GraphView* m_view;
    TrainingActions* m_training;
    QWidget* m_window;
    ProjectRecovery* m_recovery;
    RecentFilesMenu* m_recentMenu;
    QAction* m_newAction = nullptr;
    QAction* m_newFromTemplateAction = nullptr;
    QAction* m_newFromDataAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
};

} // namespace lepton
