#pragma once

#include <QObject>
#include <QString>

class QAction;
class QWidget;

namespace lepton {

class GraphDocument;
class RunsPanel;
class TrainingDashboard;
class TrainingSession;

// The open project's runs, beside the Train actions: the Runs panel and the
// dashboard follow the project (and a run another process is recording),
// Restore Graph puts a run's network back as one undo step, the Sweep
// action opens the sweep dialog, and an edit during a run is flagged on the
// dashboard (the run trains the project as it was).
class ProjectRuns : public QObject {
    Q_OBJECT

public:
    ProjectRuns(GraphDocument* document, TrainingSession* session, TrainingDashboard* dashboard, RunsPanel* runs,
                QWidget* window);

    QAction* sweep() const { return m_sweep; }

Q_SIGNALS:
    void dashboardWanted(); // the dashboard shows a recorded run: bring it forward
    void problem(const QString& title, const QString& message);

private:
    void showProjectRuns();

    GraphDocument* m_document;
    TrainingSession* m_session;
    TrainingDashboard* m_dashboard;
    RunsPanel* m_runs;
    QWidget* m_window;
    QAction* m_sweep;
};

} // namespace lepton
