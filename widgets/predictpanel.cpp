#include "predictpanel.h"

#include "export/predictor.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace lepton {

namespace {

enum Column { InputColumn, PredictionColumn, ConfidenceColumn, OthersColumn, ColumnCount };

QString percent(double probability)
{
    return QString::number(100.0 * probability, 'f', 1) + QLatin1Char('%');
}

} // namespace

PredictPanel::PredictPanel(QWidget* parent)
    : QWidget(parent)
    , m_checkpoint(new QComboBox(this))
    , m_choose(new QPushButton(tr("Choose Files..."), this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    setAcceptDrops(true);
    m_checkpoint->addItem(tr("Last checkpoint"), QStringLiteral("last"));
    m_checkpoint->addItem(tr("Best checkpoint"), QStringLiteral("best"));
    m_checkpoint->setToolTip(tr("Whose weights predict: the last run's last or best epoch"));
    connect(m_choose, &QPushButton::clicked, this, &PredictPanel::chooseFiles);

    m_table->setHorizontalHeaderLabels({tr("Input"), tr("Prediction"), tr("Confidence"), tr("Also likely")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setIconSize(QSize(40, 40));
    m_status->setWordWrap(true);
    m_status->setText(tr("Choose or drop images, CSV files or NPY arrays to see what the trained network predicts."));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Weights:"), this));
    controls->addWidget(m_checkpoint);
    controls->addWidget(m_choose);
    controls->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    setProjectPath({});

    connect(&m_watcher, &QFutureWatcher<void>::finished, this, [this] {
        m_choose->setEnabled(!m_projectPath.isEmpty());
        if (m_run) {
            show(*m_run);
        } else {
            m_status->setText(m_error);
            Q_EMIT predictionsShown(false);
        }
    });
}

PredictPanel::~PredictPanel()
{
    m_watcher.waitForFinished();
}

void PredictPanel::setProjectPath(const QString& path)
{
    m_projectPath = path;
    m_choose->setEnabled(!path.isEmpty() && !isPredicting());
    if (path.isEmpty())
        m_status->setText(tr("Save and train the project to predict with it."));
}

bool PredictPanel::isPredicting() const
{
    return m_watcher.isRunning();
}

QString PredictPanel::statusText() const
{
    return m_status->text();
}

void PredictPanel::chooseFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Files to Predict"), QFileInfo(m_projectPath).absolutePath(),
        tr("Samples (*.png *.jpg *.jpeg *.bmp *.csv *.tsv *.npy);;All files (*)"));
    if (!files.isEmpty())
        predict(files);
}

void PredictPanel::predict(const QStringList& files)
{
    if (m_projectPath.isEmpty() || isPredicting() || files.isEmpty())
        return;
    m_files = files;
    m_run.reset();
    m_error.clear();
    m_choose->setEnabled(false);
    m_status->setText(tr("Predicting %n file(s)...", nullptr, int(files.size())));
    std::vector<std::string> inputs;
    for (const QString& file : files)
        inputs.push_back(file.toStdString());
    const std::string project = m_projectPath.toStdString();
    const std::string checkpoint = m_checkpoint->currentData().toString().toStdString();
    m_watcher.setFuture(QtConcurrent::run([this, project, checkpoint, inputs] {
        try {
            m_run = std::make_shared<PredictionRun>(predictFiles(project, checkpoint, inputs, 3));
        } catch (const std::exception& error) {
            m_error = QString::fromUtf8(error.what());
        }
    }));
}

void PredictPanel::show(const PredictionRun& run)
{
    // Images by file name, for thumbnails.
    QHash<QString, QString> paths;
    for (const QString& file : std::as_const(m_files))
        paths.insert(QFileInfo(file).fileName(), file);
    m_table->setRowCount(int(run.predictions.size()));
    for (int row = 0; row < int(run.predictions.size()); ++row) {
        const Prediction& prediction = run.predictions[size_t(row)];
        const QString input = QString::fromStdString(prediction.input);
        auto* inputItem = new QTableWidgetItem(input);
        if (paths.contains(input)) {
            QImageReader reader(paths[input]);
            reader.setScaledSize(QSize(40, 40));
            const QImage thumbnail = reader.read();
            if (!thumbnail.isNull())
                inputItem->setIcon(QIcon(QPixmap::fromImage(thumbnail)));
        }
        m_table->setItem(row, InputColumn, inputItem);
        if (run.classification) {
            m_table->setItem(row, PredictionColumn, new QTableWidgetItem(QString::fromStdString(prediction.classes[0].first)));
            m_table->setItem(row, ConfidenceColumn, new QTableWidgetItem(percent(prediction.classes[0].second)));
            QStringList others;
            for (size_t i = 1; i < prediction.classes.size(); ++i)
                others << QString::fromStdString(prediction.classes[i].first) + QLatin1Char(' ') + percent(prediction.classes[i].second);
            m_table->setItem(row, OthersColumn, new QTableWidgetItem(others.join(QStringLiteral(", "))));
        } else {
            QStringList values;
            for (double value : prediction.values)
                values << QString::number(value, 'g', 5);
            m_table->setItem(row, PredictionColumn, new QTableWidgetItem(values.join(QStringLiteral(", "))));
            m_table->setItem(row, ConfidenceColumn, new QTableWidgetItem());
            m_table->setItem(row, OthersColumn, new QTableWidgetItem());
        }
    }
    m_table->resizeColumnsToContents();
    QString status = tr("%n prediction(s) by %1", nullptr, int(run.predictions.size())).arg(QString::fromStdString(run.model));
    if (!run.skipped.empty())
        status += QLatin1Char('\n') + tr("Skipped: %1").arg(QString::fromStdString(run.skipped.front()))
                  + (run.skipped.size() > 1 ? tr(" and %n more", nullptr, int(run.skipped.size() - 1)) : QString());
    m_status->setText(status);
    Q_EMIT predictionsShown(true);
}

void PredictPanel::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && !m_projectPath.isEmpty())
        event->acceptProposedAction();
}

void PredictPanel::dropEvent(QDropEvent* event)
{
    QStringList files;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            files << url.toLocalFile();
    }
    predict(files);
    event->acceptProposedAction();
}

} // namespace lepton
