#pragma once

#include <QDialog>
#include <QFutureWatcher>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace lepton {

struct ExportReport;

// File > Export: which formats, the weights of which checkpoint (the last
// epoch's, the best one's, one of a recorded run, or any file), into which
// folder. Exports on a worker thread with the step in progress showing, then
// lists what was written, or the error naming the layer or file at fault.
class ExportDialog : public QDialog {
    Q_OBJECT

public:
    // `projectPath`: the saved project whose checkpoints (PROJECT.d) and
    // recorded runs it offers.
    explicit ExportDialog(const QString& projectPath, QWidget* parent = nullptr);
    ~ExportDialog() override;

    // Starts the export with the choices shown, as the Export button does.
    void startExport();
    bool isExporting() const;
    // What the last export wrote, or its error; empty before one ended.
    QStringList writtenFiles() const { return m_written; }
    QString errorText() const { return m_error; }

Q_SIGNALS:
    void exportFinished(bool succeeded);
    // One step of the export under way ("writing the ONNX model"); queued
    // from the worker thread.
    void stepStarted(const QString& step);

private:
    void addRecordedRuns();
    void chooseCheckpointFile();
    void finish();
    QString checkpointChoice() const;

    QString m_projectPath;
    QList<QCheckBox*> m_formats;
    QCheckBox* m_half;
    QComboBox* m_checkpoint;
    QLineEdit* m_folder;
    QProgressBar* m_progress;
    QLabel* m_step;
    QPlainTextEdit* m_summary;
    QPushButton* m_exportButton;
    QPushButton* m_showFolder;
    QFutureWatcher<void> m_watcher;
    QStringList m_written;
    QStringList m_summaryLines;
    QString m_error;
};

} // namespace lepton
