#include "projectruns.h"

#include "commands/replacegraphcommand.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "project/graphjson.h"
#include "project/jsonreader.h"
#include "runspanel.h"
#include "sweepdialog.h"
#include "trainingdashboard.h"
#include "trainingsession.h"

#include <QAction>
#include <QCoreApplication>
#include <QTimer>
#include <QUndoStack>

namespace lepton {
namespace {

TrainerState trainerState(RunStatus status)
{
    switch (status) {
    case RunStatus::Running: return TrainerState::Running;
    case RunStatus::Finished: return TrainerState::Finished;
    case RunStatus::Failed: return TrainerState::Failed;
    case RunStatus::Stopped:
    case RunStatus::Interrupted: break;
    }
    return TrainerState::Stopped;
}

} // namespace

ProjectRuns::ProjectRuns(GraphDocument* document, TrainingSession* session, TrainingDashboard* dashboard,
                         RunsPanel* runs, QWidget* window)
    : QObject(window)
    , m_document(document)
    , m_session(session)
    , m_dashboard(dashboard)
    , m_runs(runs)
    , m_window(window)
    , m_sweep(new QAction(tr("S&weep Hyperparameters\u2026"), this))
{
    m_sweep->setObjectName(QStringLiteral("actionSweep"));
    m_sweep->setToolTip(tr("Search learning rate, batch size, optimizer, epochs or layer parameters; each trial is a run"));
    connect(m_sweep, &QAction::triggered, this, [this] {
        auto* dialog = new SweepDialog(m_document, QCoreApplication::applicationDirPath() + QStringLiteral("/lepton"),
                                       m_window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &SweepDialog::sweepFinished, m_runs, &RunsPanel::refresh);
        dialog->open();
    });

    // A run trains a copy of the project made when it started.
    for (auto signal : {&GraphDocument::nodeAdded, &GraphDocument::nodeRemoved, &GraphDocument::nodeChanged})
        connect(document, signal, dashboard, &TrainingDashboard::markEditedDuringRun);
    for (auto signal : {&GraphDocument::edgeAdded, &GraphDocument::edgeRemoved})
        connect(document, signal, dashboard, &TrainingDashboard::markEditedDuringRun);
    for (auto signal : {&GraphDocument::datasetChanged, &GraphDocument::trainingChanged})
        connect(document, signal, dashboard, &TrainingDashboard::markEditedDuringRun);

    // The curves and the runs belong to the project that is open.
    connect(document, &GraphDocument::projectReplaced, dashboard, &TrainingDashboard::clear);
    connect(document, &GraphDocument::projectReplaced, this, &ProjectRuns::showProjectRuns);
    connect(document, &GraphDocument::filePathChanged, this, &ProjectRuns::showProjectRuns);
    showProjectRuns();
    connect(session, &TrainingSession::started, runs, &RunsPanel::refresh);
    connect(session, &TrainingSession::finished, runs, [runs] {
        // The recorder writes the run's end a moment after the session reports it.
        QTimer::singleShot(400, runs, &RunsPanel::refresh);
    });

    // The dashboard shows a recorded run, also one the CLI is training, while this window trains none.
    connect(runs, &RunsPanel::runFollowed, this,
            [this](const RunRecord& run, const std::vector<BatchMetrics>& batches, const std::vector<EpochMetrics>& epochs,
                   bool more) {
                if (m_session->isActive()) { // the dashboard belongs to this window's run
                    m_runs->stopFollowing();
                    return;
                }
                m_dashboard->showRecordedRun(QString::fromStdString(run.name), trainerState(run.status), batches, epochs,
                                             more);
                Q_EMIT dashboardWanted();
            });
    connect(runs, &RunsPanel::restoreGraphRequested, this, [this](const nlohmann::json& json, const QString& run) {
        try {
            Graph graph = graphFromJson(JsonReader(json, "graph"), LayerRegistry::builtin());
            m_document->undoStack()->push(
                new ReplaceGraphCommand(m_document, std::move(graph), tr("Restore the graph of %1").arg(run)));
        } catch (const std::exception& error) {
            Q_EMIT problem(tr("Cannot restore the graph"), QString::fromStdString(error.what()));
        }
    });
}

void ProjectRuns::showProjectRuns()
{
    const QString path = m_document->filePath();
    m_runs->setHistoryFolder(path.isEmpty() ? QString() : path + QStringLiteral(".d"));
}

} // namespace lepton
