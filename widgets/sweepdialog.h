#pragma once

#include "sweep/sweepspec.h"

#include <QDialog>
#include <QProcess>

#include <nlohmann/json.hpp>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace lepton {

class GraphDocument;

// Train > Sweep: a hyperparameter search on the saved project. The spec is
// the JSON `lepton sweep` reads (checked as it is typed; see README); Run
// starts `lepton sweep` beside the workbench, its progress shows as it goes,
// and the ranked trials come back in a table, with the metric plotted
// against any swept setting. Apply Best puts the winner's values into the
// project as one undo step.
class SweepDialog : public QDialog {
    Q_OBJECT

public:
    // `cli`: the lepton program that runs the sweep.
    SweepDialog(GraphDocument* document, QString cli, QWidget* parent = nullptr);
    ~SweepDialog() override;

    QPlainTextEdit* specEditor() const { return m_spec; }
    QTableWidget* resultsTable() const { return m_results; }
    QCustomPlot* plot() const { return m_plot; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* applyButton() const { return m_apply; }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    // The outcome once a sweep ended ({"trials": [...], ...}); null before.
    const nlohmann::json& results() const { return m_outcome; }

    // Puts the best trial's values into the project: one undo step.
    void applyBest();
    // Close: asks first while a sweep runs.
    void reject() override;

Q_SIGNALS:
    void sweepFinished();

private:
    void checkSpec();
    void run();
    void finished(int exitCode, QProcess::ExitStatus status);
    void showResults();
    void plotAgainst(const QString& key);

    GraphDocument* m_document;
    QString m_cli;
    QProcess m_process;
    QPlainTextEdit* m_spec;
    QLabel* m_problem;
    QSpinBox* m_parallel;
    QPushButton* m_run;
    QPlainTextEdit* m_log;
    QTableWidget* m_results;
    QComboBox* m_against;
    QCustomPlot* m_plot;
    QPushButton* m_apply;
    nlohmann::json m_outcome;
};

// A starting spec for `project`'s settings: a log range of learning rates
// around its own and a few batch sizes, by successive halving.
nlohmann::json starterSweep(double learningRate, int batchSize);

} // namespace lepton
