#pragma once

#include "train/trainingevent.h"

#include <QObject>
#include <QString>

#include <memory>

class QAction;
class QTemporaryDir;

namespace lepton {

class GraphDocument;
class TrainingSession;

// The Train menu's actions over a document's project and a training session:
// Train, Pause, Stop, Resume Last Run and Train from Last Weights, each
// enabled only when it can work (Train's tooltip says why not), and where the
// runs keep their checkpoints.
class TrainingActions : public QObject {
    Q_OBJECT

public:
    TrainingActions(GraphDocument* document, TrainingSession* session, QObject* parent = nullptr);
    ~TrainingActions() override;

    QAction* train() const { return m_train; }
    QAction* pause() const { return m_pause; }
    QAction* stop() const { return m_stop; }
    QAction* resume() const { return m_resume; }
    QAction* fromWeights() const { return m_fromWeights; }

    // Before the project is replaced or the window closes: asks whether to
    // stop a run in progress, and if so stops it and waits for its end (its
    // checkpoint and history written). False: the user kept it going.
    bool stopRunIfConfirmed(const QString& consequence);

    // NAME.lepton.d beside a saved project; a scratch folder for an unsaved
    // one, which a new or opened project never shares.
    QString checkpointDir();

Q_SIGNALS:
    // For the status bar; a timeout of 0 keeps it until the next message.
    void statusMessage(const QString& message, int timeoutMs);
    // A run was asked for; `error` says why it could not start, or is empty.
    void runRequested(const QString& error);

private:
    // Starts afresh, continues the last run, or starts from its weights.
    enum class Start { Fresh, Resume, FromWeights };
    void start(Start start);
    void updateEnabled();
    void stateChanged(TrainerState state, const QString& message);

    GraphDocument* m_document;
    TrainingSession* m_session;
    QAction* m_train = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_resume = nullptr;
    QAction* m_fromWeights = nullptr;
    bool m_stoppingRun = false; // stopRunIfConfirmed is waiting for a run to end
    std::unique_ptr<QTemporaryDir> m_scratchCheckpoints;
};

} // namespace lepton
