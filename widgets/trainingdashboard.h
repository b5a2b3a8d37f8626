#pragma once

#include "train/trainingevent.h"
#include "util/minmaxseries.h"

#include <QWidget>

class QCPGraph;
class QCustomPlot;
class QLabel;

namespace lepton {

class TrainingSession;

// Live curves of a training run: training loss per batch (raw and smoothed)
// and validation loss per epoch on one plot, the same for accuracy on the
// other, and a status line with the epoch, throughput, elapsed time, state
// and last error. Data arrives per event; the plots redraw at most once per
// session tick. Every batch point is kept, and each redraw hands the plot
// only each pixel column's lowest and highest (MinMaxSeries), so a run of a
// million batches redraws as fast as a short one and no spike is hidden.
class TrainingDashboard : public QWidget {
    Q_OBJECT

public:
    explicit TrainingDashboard(TrainingSession* session, QWidget* parent = nullptr);

    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QCustomPlot* accuracyPlot() const { return m_accuracyPlot; }
    QString statusText() const;
    // Batch points received for the loss curve (the plot shows fewer).
    size_t batchPointCount() const { return m_trainLoss.series.size(); }
    QString errorText() const;

public Q_SLOTS:
    // Forgets the previous run (called when a new one starts).
    void clear();
    // A problem that kept a run from starting or ended it.
    void showError(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QCustomPlot* createPlot(const QString& objectName, const QString& valueLabel);
    // A batch curve: all its points, and the graph that shows them decimated.
    struct BatchCurve {
        QCPGraph* graph = nullptr;
        MinMaxSeries series;
    };
    QCPGraph* addBatchGraph(QCustomPlot* plot, const QString& name, int alpha, double width);
    QCPGraph* addEpochGraph(QCustomPlot* plot, const QString& name);
    void addBatch(const BatchMetrics& metrics);
    void addEpoch(const EpochMetrics& metrics);
    void setState(TrainerState state, const QString& message);
    void setFinished(const TrainingSummary& summary);
    void replotIfChanged();
    static void showDecimated(BatchCurve& curve);
    void updateStatus();
    // Wraps the plot's legend into as many rows as its width needs, so no
    // entry is cut off in a narrow window.
    static void fitLegend(QCustomPlot* plot);

    QLabel* m_status;
    QLabel* m_error;
    QCustomPlot* m_lossPlot;
    QCustomPlot* m_accuracyPlot;
    BatchCurve m_trainLoss;
    BatchCurve m_smoothedLoss;
    QCPGraph* m_validationLoss;
    BatchCurve m_trainAccuracy;
    BatchCurve m_smoothedAccuracy;
    QCPGraph* m_validationAccuracy;

    TrainerState m_state = TrainerState::Idle;
    int m_epoch = 0;
    int m_epochs = 0;
    int64_t m_batch = 0;
    int64_t m_batchesPerEpoch = 0;
    double m_samplesPerSecond = 0.0;
    double m_elapsedSeconds = 0.0;
    double m_lastX = 0.0;
    double m_lossAverage = 0.0; // exponential moving averages of the batches
    double m_accuracyAverage = 0.0;
    QString m_summary;
    bool m_changed = false;
};

} // namespace lepton
