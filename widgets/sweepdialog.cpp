#include "sweepdialog.h"

#include "commands/setparamcommand.h"
#include "commands/settrainingcommand.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "plotinteraction.h"
#include "project/graphjson.h"
#include "qcustomplotheader.h"
#include "sweep/projectoverride.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>

namespace lepton {
namespace {

QString shown(const nlohmann::json& value)
{
    return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

std::string snapshotOf(const Project& project)
{
    return (nlohmann::json{{"graph", graphToJson(project.graph)}, {"training", trainingToJson(project.training)}}).dump();
}

} // namespace

nlohmann::json starterSweep(double learningRate, int batchSize)
{
    return {{"method", "halving"},
            {"metric", "validation_loss"},
            {"trials", 8},
            {"min_epochs", 1},
            {"reduction", 2},
            {"seed", 1},
            {"parameters",
             {{"learning_rate", {{"min", learningRate / 10.0}, {"max", learningRate * 10.0}, {"log", true}}},
              {"batch_size", {{"values", {std::max(1, batchSize / 2), batchSize, batchSize * 2}}}}}}};
}

SweepDialog::SweepDialog(GraphDocument* document, QString cli, QWidget* parent)
    : QDialog(parent)
    , m_document(document)
    , m_cli(std::move(cli))
    , m_spec(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_parallel(new QSpinBox(this))
    , m_run(new QPushButton(tr("Run Sweep"), this))
    , m_log(new QPlainTextEdit(this))
    , m_results(new QTableWidget(this))
    , m_against(new QComboBox(this))
    , m_plot(new QCustomPlot(this))
    , m_apply(new QPushButton(tr("Apply Best"), this))
{
    setWindowTitle(tr("Hyperparameter Sweep \u2014 %1").arg(document->fileName()));
    resize(1000, 680);
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_spec->setObjectName(QStringLiteral("sweepSpec"));
    m_spec->setFont(fixed);
    const TrainingConfig& training = document->project().training;
    m_spec->setPlainText(QString::fromStdString(starterSweep(training.learningRate, int(training.batchSize)).dump(2)));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #d93025;"));
    connect(m_spec, &QPlainTextEdit::textChanged, this, &SweepDialog::checkSpec);
    m_parallel->setRange(1, 64);
    m_parallel->setToolTip(tr("Trials trained at a time, each its own process"));
    m_run->setObjectName(QStringLiteral("runSweep"));
    connect(m_run, &QPushButton::clicked, this, &SweepDialog::run);
    m_log->setReadOnly(true);
    m_log->setFont(fixed);
    m_log->setMaximumBlockCount(2000);
    m_results->setObjectName(QStringLiteral("sweepResults"));
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->verticalHeader()->hide();
    m_results->horizontalHeader()->setStretchLastSection(true);
    connect(m_against, &QComboBox::currentTextChanged, this, &SweepDialog::plotAgainst);
    m_plot->setMinimumSize(260, 180);
    new PlotInteraction(m_plot);
    m_apply->setObjectName(QStringLiteral("applyBestTrial"));
    m_apply->setEnabled(false);
    m_apply->setToolTip(tr("Put the best trial's values into the project (one undo step)"));
    connect(m_apply, &QPushButton::clicked, this, &SweepDialog::applyBest);

    auto* specSide = new QWidget(this);
    auto* specLayout = new QVBoxLayout(specSide);
    specLayout->setContentsMargins(0, 0, 0, 0);
    specLayout->addWidget(new QLabel(tr("Spec (grid, random or halving; see README)"), this));
    specLayout->addWidget(m_spec, 1);
    specLayout->addWidget(m_problem);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("At a time"), this));
    runRow->addWidget(m_parallel);
    runRow->addStretch(1);
    runRow->addWidget(m_run);
    specLayout->addLayout(runRow);
    specLayout->addWidget(m_log, 1);

    auto* resultSide = new QWidget(this);
    auto* resultLayout = new QVBoxLayout(resultSide);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    resultLayout->addWidget(m_results, 1);
    auto* againstRow = new QHBoxLayout;
    againstRow->addWidget(new QLabel(tr("Metric against"), this));
    againstRow->addWidget(m_against, 1);
    resultLayout->addLayout(againstRow);
    resultLayout->addWidget(m_plot, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(specSide);
    split->addWidget(resultSide);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_apply, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);

    connect(&m_process, &QProcess::readyReadStandardError, this,
            [this] { m_log->appendPlainText(QString::fromUtf8(m_process.readAllStandardError()).trimmed()); });
    connect(&m_process, &QProcess::finished, this, &SweepDialog::finished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_log->appendPlainText(tr("Cannot start %1: %2").arg(m_cli, m_process.errorString()));
        m_spec->setReadOnly(false);
        checkSpec();
        Q_EMIT sweepFinished();
    });
    checkSpec();
}

SweepDialog::~SweepDialog()
{
    if (isRunning()) { // lepton sweep passes the SIGTERM on to its trials and waits for them
        m_process.terminate();
        m_process.waitForFinished(30000);
    }
}

void SweepDialog::reject()
{
    if (isRunning()
        && QMessageBox::question(this, tr("Sweep in Progress"),
                                 tr("Stop the sweep? The trials running now stop; those that finished stay in "
                                    "the run history."))
               != QMessageBox::Yes)
        return;
    QDialog::reject();
}

void SweepDialog::checkSpec()
{
    QString problem;
    try {
        sweepSpecFromJson(nlohmann::json::parse(m_spec->toPlainText().toStdString()));
    } catch (const nlohmann::json::exception& error) {
        problem = tr("Not valid JSON: %1").arg(QString::fromUtf8(error.what()));
    } catch (const std::invalid_argument& error) {
        problem = QString::fromUtf8(error.what());
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_run->setEnabled(problem.isEmpty() && !isRunning());
}

void SweepDialog::run()
{
    if (m_document->filePath().isEmpty() || m_document->isModified()) {
        QMessageBox::information(this, tr("Save First"),
                                 tr("The trials train the saved project file: save the project, then run the sweep."));
        return;
    }
    const QString specPath = m_document->filePath() + QStringLiteral(".d/sweep-spec.json");
    QFile file(specPath);
    if (!QDir().mkpath(QFileInfo(specPath).path()) || !file.open(QIODevice::WriteOnly)) {
        QMessageBox::warning(this, tr("Cannot run the sweep"), tr("%1: cannot be written").arg(specPath));
        return;
    }
    file.write(m_spec->toPlainText().toUtf8());
    file.close();
    m_outcome = nullptr;
    m_log->clear();
    m_results->clear();
    m_results->setRowCount(0);
    m_apply->setEnabled(false);
    m_run->setEnabled(false);
    m_spec->setReadOnly(true);
    m_process.start(m_cli, {QStringLiteral("sweep"), m_document->filePath(), specPath, QStringLiteral("--json"),
                            QStringLiteral("--parallel"), QString::number(m_parallel->value())});
}

void SweepDialog::finished(int exitCode, QProcess::ExitStatus status)
{
    m_spec->setReadOnly(false);
    checkSpec();
    const nlohmann::json outcome = nlohmann::json::parse(m_process.readAllStandardOutput().toStdString(), nullptr, false);
    if (status != QProcess::NormalExit || !outcome.is_object()) {
        m_log->appendPlainText(tr("The sweep ended without results (exit %1).").arg(exitCode));
    } else {
        m_outcome = outcome;
        showResults();
    }
    Q_EMIT sweepFinished();
}

void SweepDialog::showResults()
{
    const nlohmann::json& trials = m_outcome["trials"];
    QStringList keys;
    for (const nlohmann::json& trial : trials)
        for (const auto& [key, value] : trial["values"].items())
            if (!keys.contains(QString::fromStdString(key)))
                keys << QString::fromStdString(key);
    m_results->setColumnCount(4 + int(keys.size()));
    m_results->setHorizontalHeaderLabels(QStringList{tr("Rank"), tr("Trial"), tr("Epochs"),
                                                     QString::fromStdString(m_outcome.value("metric", std::string()))}
                                         + keys);
    m_results->setRowCount(int(trials.size()));
    int row = 0;
    for (const nlohmann::json& trial : trials) {
        const nlohmann::json& score = trial["score"];
        QStringList cells{QString::number(row + 1), QString::number(trial.value("trial", 0)),
                          QString::number(trial.value("epochs", 0)),
                          score.is_number() ? QString::number(score.get<double>(), 'g', 5) : tr("failed")};
        for (const QString& key : keys)
            cells << (trial["values"].contains(key.toStdString()) ? shown(trial["values"][key.toStdString()]) : QString());
        for (int column = 0; column < cells.size(); ++column)
            m_results->setItem(row, column, new QTableWidgetItem(cells[column]));
        ++row;
    }
    m_results->resizeColumnsToContents();
    m_against->clear();
    m_against->addItems(keys);
    m_apply->setEnabled(!trials.empty() && trials[0]["score"].is_number());
}

void SweepDialog::plotAgainst(const QString& key)
{
    m_plot->clearGraphs();
    m_plot->xAxis->setLabel(key);
    if (!m_outcome.is_object() || key.isEmpty())
        return;
    m_plot->yAxis->setLabel(QString::fromStdString(m_outcome.value("metric", std::string())));
    QCPGraph* points = m_plot->addGraph();
    points->setLineStyle(QCPGraph::lsNone);
    points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x2d, 0x7f, 0xf9), 8));
    QSharedPointer<QCPAxisTickerText> labels; // values that are not numbers (an optimizer) get a place each
    QStringList categories;
    bool logarithmic = true;
    for (const nlohmann::json& trial : m_outcome["trials"]) {
        const nlohmann::json& value = trial["values"].value(key.toStdString(), nlohmann::json());
        if (!trial["score"].is_number() || value.is_null())
            continue;
        double x = 0.0;
        if (value.is_number()) {
            x = value.get<double>();
            logarithmic = logarithmic && x > 0;
        } else {
            if (!categories.contains(shown(value)))
                categories << shown(value);
            x = categories.indexOf(shown(value));
            logarithmic = false;
        }
        points->addData(x, trial["score"].get<double>());
    }
    if (!categories.isEmpty()) {
        labels.reset(new QCPAxisTickerText);
        for (int i = 0; i < categories.size(); ++i)
            labels->addTick(i, categories[i]);
        m_plot->xAxis->setTicker(labels);
    } else if (logarithmic && key.contains(QStringLiteral("rate"))) {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    m_plot->xAxis->setScaleType(categories.isEmpty() && logarithmic && key.contains(QStringLiteral("rate"))
                                    ? QCPAxis::stLogarithmic
                                    : QCPAxis::stLinear);
    m_plot->rescaleAxes();
    m_plot->xAxis->scaleRange(1.15);
    m_plot->yAxis->scaleRange(1.15);
    m_plot->replot();
}

void SweepDialog::applyBest()
{
    if (!m_outcome.is_object() || m_outcome["trials"].empty() || !m_outcome["trials"][0]["score"].is_number())
        return;
    const nlohmann::json& values = m_outcome["trials"][0]["values"];
    Project changed = m_document->project();
    try {
        for (const auto& [key, value] : values.items())
            applyOverride(changed, key, value, LayerRegistry::builtin());
    } catch (const std::invalid_argument& error) {
        QMessageBox::warning(this, tr("Cannot apply the best trial"), QString::fromUtf8(error.what()));
        return;
    }
    if (snapshotOf(changed) == snapshotOf(m_document->project()))
        return; // the project has these values already
    QUndoStack* undo = m_document->undoStack();
    undo->beginMacro(tr("Apply the best trial of %1").arg(QString::fromStdString(m_outcome.value("sweep", std::string("the sweep")))));
    if (!sameSettings(changed.training, m_document->project().training))
        undo->push(new SetTrainingCommand(m_document, changed.training, tr("Set the training settings")));
    for (const auto& [key, value] : values.items()) {
        const size_t dot = key.find('.');
        if (dot == std::string::npos)
            continue;
        const Node* node = m_document->graph().nodeByName(key.substr(0, dot));
        undo->push(new SetParamCommand(m_document, node->id, key.substr(dot + 1), value));
    }
    undo->endMacro();
}

} // namespace lepton
