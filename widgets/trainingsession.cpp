#include "trainingsession.h"

#include <exception>

namespace lepton {

namespace {

constexpr int kDrainIntervalMs = 33; // about 30 frames per second

} // namespace

TrainingSession::TrainingSession(QObject* parent)
    : QObject(parent)
    , m_trainer(std::make_unique<Trainer>())
    , m_recorder(m_trainer->subscribe())
{
    m_timer.setInterval(kDrainIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &TrainingSession::drain);
}

TrainingSession::~TrainingSession()
{
    m_trainer->requestStop();
    m_trainer->wait();
    m_recorder.waitUntilFinished(); // the run's end is in the history before the process goes
}

QString TrainingSession::start(TrainingJob job, bool record)
{
    if (m_active)
        return tr("A training run is already active.");
    QString unrecorded;
    if (record) {
        try {
            m_recorder.begin(job.checkpointDir, runStartFor(job, "workbench"));
        } catch (const std::exception& problem) {
            unrecorded = tr("This run is not recorded in the run history: %1").arg(problem.what());
        }
    }
    try {
        m_trainer->start(std::move(job));
    } catch (const std::exception& error) {
        m_trainer->events().takeAll(); // the failed start's events belong to no run
        return QString::fromStdString(error.what());
    }
    m_active = true;
    m_state = TrainerState::Preparing;
    m_timer.start();
    Q_EMIT started(); // the trainer's own Preparing event follows on the next tick
    if (!unrecorded.isEmpty())
        Q_EMIT logMessage(unrecorded);
    return {};
}

void TrainingSession::stop()
{
    if (m_active)
        m_trainer->requestStop();
}

void TrainingSession::setPaused(bool paused)
{
    if (m_active)
        m_trainer->setPaused(paused);
}

void TrainingSession::drain()
{
    std::vector<TrainingEvent> events = m_trainer->events().takeAll();
    if (events.empty())
        return;
    for (const TrainingEvent& event : events) {
        switch (event.kind) {
        case TrainingEvent::Kind::Batch:
            Q_EMIT batchReported(event.batch);
            break;
        case TrainingEvent::Kind::Epoch:
            Q_EMIT epochReported(event.epoch);
            break;
        case TrainingEvent::Kind::State:
            m_state = event.state;
            Q_EMIT stateChanged(event.state, QString::fromStdString(event.message));
            break;
        case TrainingEvent::Kind::Log:
            Q_EMIT logMessage(QString::fromStdString(event.message));
            break;
        case TrainingEvent::Kind::Finished:
            m_timer.stop();
            m_active = false;
            if (m_state != event.state) {
                m_state = event.state;
                Q_EMIT stateChanged(event.state, QString::fromStdString(event.message));
            }
            Q_EMIT finished(event.summary);
            // The recorder writes the run's end on its own thread, a moment after this.
            QTimer::singleShot(500, this, [this] {
                if (const std::string problem = m_recorder.problem(); !problem.empty())
                    Q_EMIT logMessage(tr("The run history stopped recording this run: %1")
                                          .arg(QString::fromStdString(problem)));
            });
            break;
        }
    }
    Q_EMIT eventsDrained();
}

} // namespace lepton
