#include "exportdialog.h"

#include "export/exporter.h"
#include "history/runhistory.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace lepton {

namespace {

// The combo's data for the project's own checkpoints.
const QString kLast = QStringLiteral("last");
const QString kBest = QStringLiteral("best");

QString formatLabel(ExportFormat format)
{
    switch (format) {
    case ExportFormat::TorchScript: return QObject::tr("TorchScript (.torchscript.pt): PyTorch and LibTorch load it as it is");
    case ExportFormat::Onnx: return QObject::tr("ONNX (.onnx, opset 13): for ONNX runtimes and OpenCV");
    case ExportFormat::PyTorch: return QObject::tr("PyTorch code: a Python package with the model and its weights");
    case ExportFormat::Weights: return QObject::tr("Weights (.weights.pt): a state_dict for torch.load");
    }
    return {};
}

} // namespace

ExportDialog::ExportDialog(const QString& projectPath, QWidget* parent)
    : QDialog(parent)
    , m_projectPath(projectPath)
    , m_half(new QCheckBox(tr("Half precision: float16 weights, about half the size; the change in accuracy "
                              "is measured and reported"),
                           this))
    , m_checkpoint(new QComboBox(this))
    , m_folder(new QLineEdit(projectPath + QStringLiteral(".d/export"), this))
    , m_progress(new QProgressBar(this))
    , m_step(new QLabel(this))
    , m_summary(new QPlainTextEdit(this))
    , m_exportButton(new QPushButton(tr("&Export"), this))
    , m_showFolder(new QPushButton(tr("&Show Folder"), this))
{
    setWindowTitle(tr("Export %1").arg(QFileInfo(projectPath).completeBaseName()));
    auto* formats = new QVBoxLayout;
    for (ExportFormat format : allExportFormats()) {
        auto* box = new QCheckBox(formatLabel(format), this);
        box->setChecked(true);
        box->setProperty("format", QString::fromStdString(exportFormatName(format)));
        box->setObjectName(QStringLiteral("format_") + QString::fromStdString(exportFormatName(format)));
        m_formats << box;
        formats->addWidget(box);
    }

    m_checkpoint->setObjectName(QStringLiteral("checkpoint"));
    m_checkpoint->addItem(tr("Last epoch of the last run (last.ckpt)"), kLast);
    m_checkpoint->addItem(tr("Best epoch of the last run (best.ckpt)"), kBest);
    addRecordedRuns();
    m_checkpoint->addItem(tr("Another checkpoint file..."), QString());
    connect(m_checkpoint, &QComboBox::activated, this, [this](int index) {
        if (m_checkpoint->itemData(index).toString().isEmpty())
            chooseCheckpointFile();
    });

    auto* browse = new QPushButton(tr("Browse..."), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export Into"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(folder);
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    m_folder->setObjectName(QStringLiteral("folder"));

    auto* form = new QFormLayout;
    form->addRow(tr("Formats:"), formats);
    form->addRow(tr("Weights from:"), m_checkpoint);
    m_half->setObjectName(QStringLiteral("half"));
    form->addRow(QString(), m_half);
    form->addRow(tr("Folder:"), folderRow);

    m_progress->setRange(0, 0);
    m_progress->setVisible(false);
    m_summary->setReadOnly(true);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setPlaceholderText(tr("Each format is written with a metadata JSON beside it: input shape, "
                                     "preprocessing, class names and the checkpoint's metrics."));
    m_showFolder->setEnabled(false);
    connect(m_showFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_folder->text())); });

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_exportButton->setDefault(true);
    buttons->addButton(m_exportButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_showFolder, QDialogButtonBox::ActionRole);
    connect(m_exportButton, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_step);
    layout->addWidget(m_summary, 1);
    layout->addWidget(buttons);
    resize(640, 420);

    connect(this, &ExportDialog::stepStarted, m_step, &QLabel::setText, Qt::QueuedConnection);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &ExportDialog::finish);
}

ExportDialog::~ExportDialog()
{
    m_watcher.waitForFinished(); // the worker writes into this dialog's members
}

// Runs with checkpoints of their own (sweep trials, runs given another
// folder) whose files are still there.
void ExportDialog::addRecordedRuns()
{
    const QString ownFolder = QFileInfo(m_projectPath + QStringLiteral(".d")).absoluteFilePath();
    try {
        RunHistory history((m_projectPath + QStringLiteral(".d")).toStdString());
        for (const RunRecord& run : history.runs()) {
            if (!run.summary.is_object() || !run.summary.value("checkpoint", nlohmann::json()).is_string())
                continue;
            const QString checkpoint = QString::fromStdString(run.summary["checkpoint"].get<std::string>());
            const QFileInfo file(checkpoint);
            if (!file.exists() || file.absolutePath() == ownFolder)
                continue;
            QString label = tr("Run %1").arg(run.id);
            if (!run.tags.empty())
                label += QLatin1Char(' ') + QString::fromStdString(run.tags);
            m_checkpoint->addItem(label + QStringLiteral(" (") + checkpoint + QLatin1Char(')'), file.absoluteFilePath());
        }
    } catch (const std::exception&) {
        // No history yet: the project's own checkpoints are the choices.
    }
}

void ExportDialog::chooseCheckpointFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Checkpoint to Export"), m_projectPath + ".d",
                                                      tr("Checkpoints (*.ckpt);;All files (*)"));
    if (file.isEmpty()) {
        m_checkpoint->setCurrentIndex(0);
        return;
    }
    m_checkpoint->insertItem(m_checkpoint->count() - 1, file, file);
    m_checkpoint->setCurrentIndex(m_checkpoint->count() - 2);
}

QString ExportDialog::checkpointChoice() const
{
    const QString choice = m_checkpoint->currentData().toString();
    return choice.isEmpty() ? kLast : choice;
}

bool ExportDialog::isExporting() const
{
    return m_watcher.isRunning();
}

void ExportDialog::startExport()
{
    if (isExporting())
        return;
    ExportOptions options;
    for (QCheckBox* box : std::as_const(m_formats)) {
        if (box->isChecked())
            options.formats.push_back(*exportFormatFromName(box->property("format").toString().toStdString()));
    }
    if (options.formats.empty()) {
        m_summary->setPlainText(tr("Choose at least one format."));
        return;
    }
    options.directory = m_folder->text().toStdString();
    options.halfPrecision = m_half->isChecked();
    m_written.clear();
    m_summaryLines.clear();
    m_error.clear();
    m_summary->clear();
    m_exportButton->setEnabled(false);
    m_showFolder->setEnabled(false);
    m_progress->setVisible(true);
    const std::string project = m_projectPath.toStdString();
    const std::string checkpoint = checkpointChoice().toStdString();
    m_watcher.setFuture(QtConcurrent::run([this, project, checkpoint, options] {
        try {
            const ExportReport report = exportProject(project, checkpoint, options, [this](const std::string& step) {
                Q_EMIT stepStarted(QString::fromStdString(step) + QStringLiteral("..."));
            });
            for (const std::string& file : report.files)
                m_written << QString::fromStdString(file);
            for (const std::string& line : report.summary)
                m_summaryLines << QString::fromStdString(line);
        } catch (const std::exception& error) {
            m_error = QString::fromUtf8(error.what());
        }
    }));
}

void ExportDialog::finish()
{
    m_progress->setVisible(false);
    m_exportButton->setEnabled(true);
    const bool succeeded = m_error.isEmpty();
    m_step->setText(succeeded ? tr("Exported %n file(s).", nullptr, int(m_written.size())) : tr("The export failed."));
    m_summary->setPlainText(succeeded ? m_summaryLines.join(QLatin1Char('\n')) : m_error);
    m_showFolder->setEnabled(succeeded);
    Q_EMIT exportFinished(succeeded);
}

} // namespace lepton
