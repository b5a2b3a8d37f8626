#include "trainingactions.h"

#include "graphdocument.h"
#include "themedicon.h"
#include "trainingsession.h"

#include "train/trainer.h"

#include <QAction>
#include <QEventLoop>
#include <QMessageBox>
#include <QPushButton>
#include <QScopeGuard>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

namespace lepton {

namespace {

constexpr int kStatusTimeoutMs = 8000;

} // namespace

TrainingActions::TrainingActions(GraphDocument* document, TrainingSession* session, QObject* parent)
    : QObject(parent)
    , m_document(document)
    , m_session(session)
{
    const auto make = [this](const QIcon& icon, const QString& text, const char* objectName, const QKeySequence& key) {
        auto* created = new QAction(icon, text, this);
        created->setObjectName(QString::fromLatin1(objectName));
        created->setShortcut(key);
        return created;
    };
    m_train = make(themedIcon("media-playback-start", QStyle::SP_MediaPlay), tr("&Train"), "actionTrain",
                   QKeySequence(Qt::Key_F5));
    connect(m_train, &QAction::triggered, this, [this] { start(Start::Fresh); });

    m_stop = make(themedIcon("media-playback-stop", QStyle::SP_MediaStop), tr("&Stop"), "actionStop",
                  QKeySequence(Qt::SHIFT | Qt::Key_F5));
    connect(m_stop, &QAction::triggered, this, [this] {
        m_session->stop();
        Q_EMIT statusMessage(tr("Stopping after the current batch..."), kStatusTimeoutMs);
    });

    m_pause = make(themedIcon("media-playback-pause", QStyle::SP_MediaPause), tr("&Pause"), "actionPause",
                   QKeySequence(Qt::Key_F6));
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Hold the run before its next batch; again to go on (F6)"));
    connect(m_pause, &QAction::toggled, m_session, &TrainingSession::setPaused);

    m_resume = make(themedIcon("media-seek-forward", QStyle::SP_MediaSeekForward), tr("&Resume Last Run"),
                    "actionResume", QKeySequence(Qt::CTRL | Qt::Key_F5));
    m_resume->setToolTip(tr("Continue the last stopped, failed or interrupted run from its checkpoint (Ctrl+F5)"));
    connect(m_resume, &QAction::triggered, this, [this] { start(Start::Resume); });

    m_fromWeights = make(QIcon(), tr("Train from Last &Weights"), "actionTrainFromWeights", QKeySequence());
    m_fromWeights->setToolTip(
        tr("Train the edited network starting from the last run's weights where they still fit; the status bar "
           "says per layer what was loaded"));
    connect(m_fromWeights, &QAction::triggered, this, [this] { start(Start::FromWeights); });

    connect(m_document, &GraphDocument::shapesChanged, this, &TrainingActions::updateEnabled);
    // An unsaved project's checkpoints are its own: another project never resumes them.
    connect(m_document, &GraphDocument::projectReplaced, this, [this] {
        if (!m_session->isActive())
            m_scratchCheckpoints.reset();
        updateEnabled();
    });
    connect(m_session, &TrainingSession::stateChanged, this, &TrainingActions::stateChanged);
    connect(m_session, &TrainingSession::finished, this, [this](const TrainingSummary& summary) {
        updateEnabled();
        if (m_session->state() == TrainerState::Finished && !summary.checkpoint.empty())
            Q_EMIT statusMessage(tr("Training finished; the trained weights are in %1")
                                     .arg(QDir::toNativeSeparators(QString::fromStdString(summary.checkpoint))),
                                 kStatusTimeoutMs);
    });
    connect(m_session, &TrainingSession::logMessage, this,
            [this](const QString& message) { Q_EMIT statusMessage(message, kStatusTimeoutMs); });
    updateEnabled();
}

TrainingActions::~TrainingActions() = default;

bool TrainingActions::stopRunIfConfirmed(const QString& consequence)
{
    if (!m_session->isActive())
        return true;
    if (m_stoppingRun)
        return false; // already asked, and waiting for the run to end
    m_stoppingRun = true;
    const auto done = qScopeGuard([this] { m_stoppingRun = false; });
    QMessageBox box(QMessageBox::Question, tr("Training in Progress"),
                    tr("%1 is training. Stop the run and %2?").arg(m_document->fileName(), consequence),
                    QMessageBox::Cancel, qobject_cast<QWidget*>(parent()));
    box.setInformativeText(tr("The run's checkpoint keeps what it trained so far: Resume Last Run goes on "
                              "from there."));
    QPushButton* stop = box.addButton(tr("Stop the Run"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != stop)
        return false;
    QEventLoop ended;
    connect(m_session, &TrainingSession::finished, &ended, &QEventLoop::quit);
    m_session->stop();
    if (m_session->isActive())
        ended.exec(); // the stop takes effect within a batch
    return true;
}

QString TrainingActions::checkpointDir()
{
    if (!m_document->filePath().isEmpty())
        return m_document->filePath() + QStringLiteral(".d");
    if (!m_scratchCheckpoints)
        m_scratchCheckpoints = std::make_unique<QTemporaryDir>();
    return m_scratchCheckpoints->path();
}

void TrainingActions::start(Start start)
{
    if (m_session->isActive() || !m_document->modelSummary())
        return;
    const Project& project = m_document->project();
    TrainingJob job;
    job.graph = project.graph;
    job.dataset = project.dataset;
    job.baseDir = m_document->baseDir().toStdString();
    job.config = project.training;
    job.checkpointDir = checkpointDir().toStdString();
    job.resume = start == Start::Resume;
    // The last run's weights are read before this run's first checkpoint replaces them.
    if (start == Start::FromWeights)
        job.initialWeights = lastCheckpointPath(job.checkpointDir);
    m_pause->setChecked(false);
    // A project not saved yet has only a scratch folder: nothing to keep runs in.
    const QString error = m_session->start(std::move(job), !m_document->filePath().isEmpty());
    if (!error.isEmpty())
        Q_EMIT statusMessage(tr("Training could not start: %1").arg(error), kStatusTimeoutMs);
    Q_EMIT runRequested(error);
    updateEnabled();
}

void TrainingActions::updateEnabled()
{
    const bool training = m_session->isActive();
    // Shapes that check out are not enough: the graph must become a model
    // (exactly one Input and one Output), or the run would only fail.
    const bool model = m_document->modelSummary() != nullptr;
    m_train->setEnabled(!training && model);
    if (training) {
        m_train->setToolTip(tr("A training run is in progress"));
    } else if (!model) {
        // One problem a line, each naming its layer.
        m_train->setToolTip(tr("Cannot train: %1").arg(QString::fromStdString(m_document->modelProblem())));
    } else {
        m_train->setToolTip(tr("Train the model on the project's dataset (F5)"));
    }
    m_stop->setEnabled(training);
    m_pause->setEnabled(training);
    if (!training)
        m_pause->setChecked(false);
    const bool trained = QFileInfo::exists(QString::fromStdString(lastCheckpointPath(checkpointDir().toStdString())));
    m_resume->setEnabled(!training && model && trained);
    m_fromWeights->setEnabled(!training && model && trained);
}

void TrainingActions::stateChanged(TrainerState state, const QString& message)
{
    updateEnabled();
    switch (state) {
    case TrainerState::Failed:
        Q_EMIT statusMessage(tr("Training failed: %1").arg(message), kStatusTimeoutMs);
        break;
    case TrainerState::Stopped:
        Q_EMIT statusMessage(tr("Training stopped; Resume Last Run continues it"), kStatusTimeoutMs);
        break;
    case TrainerState::Paused:
        Q_EMIT statusMessage(tr("Training paused; Pause again to go on"), 0);
        break;
    case TrainerState::Finished:
        Q_EMIT statusMessage(tr("Training finished"), kStatusTimeoutMs);
        break;
    default:
        break;
    }
}

} // namespace lepton
