#pragma once

#include "train/trainingevent.h"
#include "util/minmaxseries.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QCPGraph;
class QCustomPlot;
class QLabel;
class QSlider;

namespace lepton {

class PlotInteraction;
class TrainingSession;

// Live curves of a training run: training loss per batch (raw, faint, and
// smoothed) with validation loss per epoch and the learning rate (right
// axis) on one plot, the same for accuracy on the other, and a status line
// with the epoch, batch, throughput, elapsed time and time left, memory,
// state and last error. Controls: x axis by epoch, step or wall time, the smoothing
// (the raw curve stays behind), a log loss axis, fit, export. The plots pan,
// zoom, read out every series under a crosshair, and hide a series when its
// legend entry is clicked (PlotInteraction). Data arrives per event; the
// plots redraw at most once per session tick. Every batch point is kept,
// and each redraw hands the plot only each pixel column's lowest and
// highest (MinMaxSeries), so a run of a million batches redraws as fast as
// a short one and no spike is hidden.
class TrainingDashboard : public QWidget {
    Q_OBJECT

public:
    enum class XAxis { Epoch, Step, Time };

    explicit TrainingDashboard(TrainingSession* session, QWidget* parent = nullptr);

    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QCustomPlot* accuracyPlot() const { return m_accuracyPlot; }
    QString statusText() const;
    // Whether new figures wait for their turn: the plots' next redraw or the status
    // line's next update, each spaced while a run trains.
    bool redrawPending() const { return m_pendingRedraw.isActive(); }
    // How long the plots wait after a redraw while a run trains, by what it cost.
    double redrawSpacingMs() const { return m_redrawSpacingMs; }
    QString errorText() const;
    // Batch points received for the loss curve (the plot shows fewer).
    size_t batchPointCount() const { return m_trainLoss.series.size(); }

    void setXAxis(XAxis axis);
    // Weight of the history in the smoothed curves, 0 (none) to 0.99.
    void setSmoothing(double weight);
    void setLogLoss(bool logarithmic);
    // Per epoch: the training loss and accuracy as each epoch's mean instead
    // of the batch curves.
    void setPerEpoch(bool perEpoch);
    // The project was edited after the run started: say that the run goes on
    // with the project as it was (the edits are for the next run).
    void markEditedDuringRun();
    // A run from the history (another process's, perhaps still going): its
    // curves and how it stands, in place of the last run's; with `more`, the
    // batches go on from those shown before (the epochs are all of them).
    void showRecordedRun(const QString& name, TrainerState state, const std::vector<BatchMetrics>& batches,
                         const std::vector<EpochMetrics>& epochs, bool more);

public Q_SLOTS:
    // Forgets the previous run (called when a new one starts).
    void clear();
    // A problem that kept a run from starting or ended it.
    void showError(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // A batch curve: all its points (x: the step), and the graph that shows
    // them decimated.
    struct BatchCurve {
        QCPGraph* graph = nullptr;
        MinMaxSeries series;
    };

    QWidget* createControls();
    QCustomPlot* createPlot(const QString& objectName, const QString& valueLabel);
    QCPGraph* addBatchGraph(QCustomPlot* plot, const QString& name, const QColor& color, double width);
    QCPGraph* addEpochGraph(QCustomPlot* plot, const QString& name);
    void addBatch(const BatchMetrics& metrics);
    void addEpoch(const EpochMetrics& metrics);
    void setState(TrainerState state, const QString& message);
    void setFinished(const TrainingSummary& summary);
    void replotIfChanged();
    void markChanged();
    void redrawPlots();
    void replot();
    void resmooth();
    // The x axis's value of a step, and the step of an x axis value.
    double stepToAxis(double step) const;
    double axisToStep(double x) const;
    void showDecimated(BatchCurve& curve);
    void updateStatus();
    void exportPlot(QCustomPlot* plot);
    // Wraps the plot's legend into as many rows as its width needs, so no
    // entry is cut off in a narrow window.
    static void fitLegend(QCustomPlot* plot);

    QLabel* m_status;
    QLabel* m_error;
    QComboBox* m_xAxis;
    QSlider* m_smoothing;
    QCheckBox* m_logLoss;
    QCheckBox* m_perEpoch;
    QCustomPlot* m_lossPlot;
    QCustomPlot* m_accuracyPlot;
    PlotInteraction* m_lossInteraction;
    PlotInteraction* m_accuracyInteraction;
    BatchCurve m_trainLoss;
    BatchCurve m_smoothedLoss;
    BatchCurve m_learningRate;
    QCPGraph* m_validationLoss;
    QCPGraph* m_epochLoss; // the training loss per epoch, in the per-epoch view
    BatchCurve m_trainAccuracy;
    BatchCurve m_smoothedAccuracy;
    QCPGraph* m_validationAccuracy;
    QCPGraph* m_epochAccuracy;
    struct EpochPoint {
        int epoch = 0;
        double value = 0.0;
        double elapsed = 0.0; // seconds into the run
    };
    std::vector<EpochPoint> m_validationLosses;
    std::vector<EpochPoint> m_validationAccuracies; // in percent
    std::vector<EpochPoint> m_trainLosses;
    std::vector<EpochPoint> m_trainAccuracies; // in percent
    std::vector<std::pair<double, double>> m_stepTimes; // (step, seconds into the run) of every batch
    double m_timeOffset = 0.0; // added to a resumed run's seconds, which start again at 0

    TrainerState m_state = TrainerState::Idle;
    int m_epoch = 0;
    int m_epochs = 0;
    int64_t m_batch = 0;
    int64_t m_batchesPerEpoch = 0;
    double m_samplesPerSecond = 0.0;
    double m_elapsedSeconds = 0.0;
    double m_gpuMemoryBytes = 0.0;
    int64_t m_firstStep = -1; // the first batch seen: its rate since gives the time left
    double m_firstElapsed = 0.0;
    double m_lastStep = 0.0;
    double m_smoothingWeight = 0.9;
    QString m_summary;
    bool m_editedDuringRun = false;
    QString m_recordedRun; // the history's run shown, when it is not the session's
    bool m_plotsChanged = false;  // new figures the plots do not show yet
    bool m_statusChanged = false; // new figures the status line does not show yet
    QElapsedTimer m_sinceRedraw;     // since the last redraw for new figures
    double m_redrawSpacingMs = 0.0; // before the next one, while a run trains
    QElapsedTimer m_sinceStatus;     // since the status line last changed
    QTimer m_pendingRedraw;          // shows figures that came too soon after the last redraw
};

} // namespace lepton
