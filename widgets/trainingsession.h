#pragma once

#include "history/runrecorder.h"
#include "train/trainer.h"
#include "trainingmetatypes.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace lepton {

// Runs one Trainer for the GUI. Training happens on the trainer's own
// thread; this object drains its event queue on a ~30 Hz timer in the GUI
// thread and re-emits the events as signals, followed by one eventsDrained()
// per tick so views redraw once per frame however many batches arrived.
class TrainingSession : public QObject {
    Q_OBJECT

public:
    explicit TrainingSession(QObject* parent = nullptr);
    ~TrainingSession() override; // stops a running job and waits for it

    // Starts a run; returns why it cannot start, or an empty string. With
    // `record`, the run goes into the history in the job's checkpoint folder.
    QString start(TrainingJob job, bool record);
    // Asks the run to stop before its next batch.
    void stop();
    // Holds the run before its next batch, or lets it go on.
    void setPaused(bool paused);
    // From start() until the run's Finished event has been delivered.
    bool isActive() const { return m_active; }
    // The state as delivered so far (not ahead of the signals).
    TrainerState state() const { return m_state; }

Q_SIGNALS:
    void started();
    void batchReported(const lepton::BatchMetrics& metrics);
    void epochReported(const lepton::EpochMetrics& metrics);
    void stateChanged(lepton::TrainerState state, const QString& message);
    void logMessage(const QString& message);
    void finished(const lepton::TrainingSummary& summary);
    void eventsDrained();

private:
    void drain();

    std::unique_ptr<Trainer> m_trainer;
    RunRecorder m_recorder; // after m_trainer, whose events it takes
    QTimer m_timer;
    TrainerState m_state = TrainerState::Idle;
    bool m_active = false;
};

} // namespace lepton
