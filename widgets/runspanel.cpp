#include "runspanel.h"

#include "plotinteraction.h"
#include "qcustomplotheader.h"
#include "util/atomicfile.h"
#include "util/displaytext.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>
#include <set>

namespace lepton {
namespace {

enum Column { Name, Tags, Status, Started, Trained, Epochs, BestAccuracy, TestAccuracy, Optimizer, Rate, Batch, Device };
constexpr int kRunIdRole = Qt::UserRole + 1;
constexpr int kSortRole = Qt::UserRole + 2;
constexpr int kWatchIntervalMs = 2000;

const QColor kRunColors[] = {QColor(0x2d, 0x7f, 0xf9), QColor(0xe8, 0x71, 0x0a), QColor(0x1e, 0x9e, 0x5a),
                             QColor(0xc2, 0x32, 0x9b), QColor(0x7b, 0x5c, 0xd6), QColor(0x8a, 0x6d, 0x3b)};

// What the comparison plot can show, per epoch.
struct Metric {
    const char* label;
    std::optional<double> (*value)(const EpochMetrics&);
    bool percent;
};
const Metric kMetrics[] = {
    {"validation loss", [](const EpochMetrics& m) { return m.validationLoss; }, false},
    {"validation accuracy", [](const EpochMetrics& m) { return m.validationAccuracy; }, true},
    {"training loss", [](const EpochMetrics& m) { return std::optional(m.trainLoss); }, false},
    {"training accuracy", [](const EpochMetrics& m) { return std::optional(m.trainAccuracy); }, true},
};

QString text(const nlohmann::json& value)
{
    if (value.is_null())
        return QStringLiteral("-");
    return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

QString percent(std::optional<double> fraction)
{
    return fraction && std::isfinite(*fraction) ? QStringLiteral("%1%").arg(*fraction * 100.0, 0, 'f', 2)
                                                : QStringLiteral("-");
}

QString duration(const RunRecord& run)
{
    double seconds = run.summary.is_object() ? run.summary.value("seconds", 0.0) : 0.0;
    if (seconds <= 0.0 && run.ended)
        seconds = *run.ended - run.started;
    if (seconds <= 0.0)
        return QStringLiteral("-");
    if (seconds < 60.0)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    const long long total = std::llround(seconds);
    return total >= 3600 ? QStringLiteral("%1h %2m").arg(total / 3600).arg(total / 60 % 60, 2, 10, QLatin1Char('0'))
                         : QStringLiteral("%1m %2s").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
}

QStandardItem* cell(const QString& shown, const QVariant& sortKey, bool editable = false)
{
    auto* item = new QStandardItem(shown);
    item->setData(sortKey, kSortRole);
    item->setEditable(editable);
    return item;
}

QDateTime lastChange(const QString& folder)
{
    if (folder.isEmpty())
        return {}; // a project never saved has no history
    const QString file = QString::fromStdString(RunHistory::fileIn(folder.toStdString()));
    QDateTime latest;
    for (const QString& path : {file, file + QStringLiteral("-wal")}) {
        const QFileInfo info(path);
        if (info.exists() && (!latest.isValid() || info.lastModified() > latest))
            latest = info.lastModified();
    }
    return latest;
}

} // namespace

RunsPanel::RunsPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new QStandardItemModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_filter(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_metric(new QComboBox(this))
    , m_plot(new QCustomPlot(this))
    , m_settings(new QTableWidget(this))
    , m_onlyDifferences(new QCheckBox(tr("Only differences"), this))
    , m_notes(new QPlainTextEdit(this))
    , m_restore(new QPushButton(tr("Restore Graph"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_exportCsv(new QPushButton(tr("Export CSV\u2026"), this))
    , m_follow(new QPushButton(tr("Show in Dashboard"), this))
{
    m_model->setHorizontalHeaderLabels({tr("Name"), tr("Tags"), tr("Status"), tr("Started"), tr("Trained"),
                                        tr("Epochs"), tr("Best val acc"), tr("Test acc"), tr("Optimizer"), tr("LR"),
                                        tr("Batch"), tr("Device")});
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setFilterKeyColumn(-1); // any column
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("runsFilter"));
    m_filter->setPlaceholderText(tr("Filter runs by name, tag, status, setting\u2026"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(Started, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    connect(m_model, &QStandardItemModel::itemChanged, this, &RunsPanel::nameOrTagsEdited);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPanel::showSelection);

    for (const Metric& metric : kMetrics)
        m_metric->addItem(tr(metric.label));
    m_metric->setObjectName(QStringLiteral("runsMetric"));
    connect(m_metric, &QComboBox::currentIndexChanged, this, &RunsPanel::showSelection);
    m_plot->setObjectName(QStringLiteral("runsPlot"));
    m_plot->setMinimumSize(200, 60);
    m_plot->xAxis->setLabel(tr("epoch"));
    m_plot->legend->setVisible(true);
    auto* interaction = new PlotInteraction(m_plot);
    connect(interaction, &PlotInteraction::fitRequested, this, [this] { m_plot->rescaleAxes(); });
    m_plot->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* savePlot = new QAction(tr("Export Plot as PNG, SVG or PDF\u2026"), m_plot);
    connect(savePlot, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), QStringLiteral("runs.png"),
                                                          tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
        if (!path.isEmpty())
            if (const QString problem = exportPlot(m_plot, path); !problem.isEmpty())
                QMessageBox::warning(this, tr("Cannot export the plot"), problem);
    });
    m_plot->addAction(savePlot);

    m_settings->setObjectName(QStringLiteral("runsSettings"));
    m_settings->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_settings->horizontalHeader()->setStretchLastSection(true);
    connect(m_onlyDifferences, &QCheckBox::toggled, this, &RunsPanel::showSelection);

    m_notes->setObjectName(QStringLiteral("runNotes"));
    m_notes->setPlaceholderText(tr("Notes on the selected run"));
    m_notes->setMaximumHeight(56);
    // Small minimums: the panel shares the space under the canvas with the dashboard.
    m_notes->setMinimumHeight(24);
    m_table->setMinimumHeight(30);
    m_settings->setMinimumHeight(32);
    m_notesSaver.setSingleShot(true);
    m_notesSaver.setInterval(600);
    connect(m_notes, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_rebuilding)
            m_notesSaver.start();
    });
    connect(&m_notesSaver, &QTimer::timeout, this, &RunsPanel::saveNotes);
    m_restore->setObjectName(QStringLiteral("restoreRunGraph"));
    m_restore->setToolTip(tr("Put the selected run's graph in the editor (one undo step)"));
    connect(m_restore, &QPushButton::clicked, this, [this] {
        const std::vector<int64_t> ids = selectedRuns();
        if (const RunRecord* run = ids.size() == 1 ? record(ids.front()) : nullptr)
            Q_EMIT restoreGraphRequested(run->graph, QString::fromStdString(run->name));
    });
    m_delete->setObjectName(QStringLiteral("deleteRuns"));
    connect(m_delete, &QPushButton::clicked, this, &RunsPanel::deleteSelection);
    m_exportCsv->setObjectName(QStringLiteral("exportRunCsv"));
    m_exportCsv->setToolTip(tr("Write the selected run's per-epoch and per-batch metrics to a CSV file"));
    connect(m_exportCsv, &QPushButton::clicked, this, &RunsPanel::exportSelection);
    m_follow->setObjectName(QStringLiteral("showRunInDashboard"));
    m_follow->setToolTip(tr("Show the selected run's curves in the Training dashboard, following it while it runs"));
    connect(m_follow, &QPushButton::clicked, this, [this] {
        const std::vector<int64_t> ids = selectedRuns();
        m_followed = ids.size() == 1 ? ids.front() : 0;
        m_followedStep = 0;
        sendFollowed();
    });

    // Wide and short under the canvas: the runs on the left, what compares
    // the selected ones on the right, on two tabs.
    auto* runs = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runs);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->addWidget(m_filter);
    runsLayout->addWidget(m_table, 1);
    auto* noteRow = new QHBoxLayout;
    noteRow->addWidget(m_notes, 1);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(m_follow);
    buttons->addWidget(m_restore);
    buttons->addWidget(m_exportCsv);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    noteRow->addLayout(buttons);
    runsLayout->addLayout(noteRow);

    auto* curves = new QWidget(this);
    auto* curvesLayout = new QVBoxLayout(curves);
    curvesLayout->setContentsMargins(4, 4, 4, 4);
    auto* metricRow = new QHBoxLayout;
    metricRow->addWidget(new QLabel(tr("Metric"), this));
    metricRow->addWidget(m_metric, 1);
    curvesLayout->addLayout(metricRow);
    curvesLayout->addWidget(m_plot, 1);
    auto* settings = new QWidget(this);
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->setContentsMargins(4, 4, 4, 4);
    settingsLayout->addWidget(m_onlyDifferences);
    settingsLayout->addWidget(m_settings, 1);
    auto* comparison = new QTabWidget(this);
    comparison->setObjectName(QStringLiteral("runsComparison"));
    comparison->addTab(curves, tr("Curves"));
    comparison->addTab(settings, tr("Settings"));

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(runs);
    split->addWidget(comparison);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(split);

    m_watcher.setInterval(kWatchIntervalMs);
    connect(&m_watcher, &QTimer::timeout, this, &RunsPanel::followFile);
    showSelection();
}

RunsPanel::~RunsPanel()
{
    if (m_notesSaver.isActive())
        saveNotes();
}

void RunsPanel::setHistoryFolder(const QString& directory)
{
    if (m_notesSaver.isActive())
        saveNotes();
    m_folder = directory;
    m_followed = 0;
    m_history.reset();
    m_seenChange = QDateTime();
    m_folder.isEmpty() ? m_watcher.stop() : m_watcher.start();
    refresh();
}

void RunsPanel::followFile()
{
    const QDateTime changed = lastChange(m_folder);
    if (changed.isValid() && changed != m_seenChange)
        refresh();
}

void RunsPanel::refresh()
{
    m_runs.clear();
    m_seenChange = lastChange(m_folder);
    // The history is opened once it exists: looking must not create it.
    if (!m_history && m_seenChange.isValid()) {
        try {
            m_history = std::make_unique<RunHistory>(m_folder.toStdString());
        } catch (const std::exception& error) {
            m_model->removeRows(0, m_model->rowCount());
            m_filter->setPlaceholderText(QString::fromStdString(error.what()));
            return;
        }
    }
    try {
        if (m_history)
            m_runs = m_history->runs();
    } catch (const std::exception& error) { // busy for long, or unreadable: say so, keep going
        m_filter->setPlaceholderText(QString::fromStdString(error.what()));
    }
    rebuildTable();
    sendFollowed();
}

void RunsPanel::rebuildTable()
{
    const QWidget* focus = QApplication::focusWidget();
    if (focus && focus != m_table && m_table->isAncestorOf(focus))
        return; // a name or tag being typed in its editor: the next re-read comes soon enough
    const std::vector<int64_t> selected = selectedRuns();
    m_rebuilding = true;
    m_model->removeRows(0, m_model->rowCount());
    for (const RunRecord& run : m_runs) {
        const auto setting = [&run](const char* key) {
            return run.settings.is_object() && run.settings.contains(key) ? run.settings[key] : nlohmann::json();
        };
        const QDateTime started = QDateTime::fromSecsSinceEpoch(static_cast<qint64>(run.started));
        const std::optional<double> test =
            run.summary.is_object() && run.summary.value("test_accuracy", nlohmann::json()).is_number()
                ? std::optional(run.summary["test_accuracy"].get<double>())
                : std::nullopt;
        QList<QStandardItem*> row{
            cell(QString::fromStdString(displayText(run.name)), QString::fromStdString(run.name), true),
            cell(QString::fromStdString(run.tags), QString::fromStdString(run.tags), true),
            cell(QString::fromStdString(toString(run.status)), QString::fromStdString(toString(run.status))),
            cell(QLocale().toString(started, QLocale::ShortFormat), run.started),
            cell(duration(run), run.summary.is_object() ? run.summary.value("seconds", 0.0) : 0.0),
            cell(QStringLiteral("%1/%2").arg(run.epochs).arg(text(setting("epochs"))), run.epochs),
            cell(percent(run.bestValidationAccuracy), run.bestValidationAccuracy.value_or(-1.0)),
            cell(percent(test), test.value_or(-1.0)),
            cell(text(setting("optimizer")), text(setting("optimizer"))),
            cell(text(setting("learning_rate")), setting("learning_rate").is_number() ? setting("learning_rate").get<double>() : 0.0),
            cell(text(setting("batch_size")), setting("batch_size").is_number() ? setting("batch_size").get<double>() : 0.0),
            cell(QString::fromStdString(run.device), QString::fromStdString(run.device)),
        };
        row[Name]->setData(QVariant::fromValue<qint64>(run.id), kRunIdRole);
        if (!run.error.empty())
            row[Status]->setToolTip(QString::fromStdString(run.error));
        m_model->appendRow(row);
    }
    m_table->resizeColumnsToContents();
    m_rebuilding = false;
    selectRuns(selected);
    showSelection();
}

void RunsPanel::selectRuns(const std::vector<int64_t>& ids)
{
    QItemSelection selection;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, Name);
        const int64_t id = index.data(kRunIdRole).toLongLong();
        if (std::find(ids.begin(), ids.end(), id) != ids.end())
            selection.select(index, m_proxy->index(row, m_proxy->columnCount() - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

std::vector<int64_t> RunsPanel::selectedRuns() const
{
    std::vector<int64_t> ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows(Name))
        ids.push_back(index.data(kRunIdRole).toLongLong());
    return ids;
}

const RunRecord* RunsPanel::record(int64_t id) const
{
    for (const RunRecord& run : m_runs) {
        if (run.id == id)
            return &run;
    }
    return nullptr;
}

void RunsPanel::showSelection()
{
    if (m_rebuilding)
        return;
    std::vector<const RunRecord*> runs;
    for (int64_t id : selectedRuns()) {
        if (const RunRecord* run = record(id))
            runs.push_back(run);
    }
    std::sort(runs.begin(), runs.end(), [](const RunRecord* a, const RunRecord* b) { return a->id < b->id; });
    plotSelection(runs);
    compareSettings(runs);

    if (m_notesSaver.isActive())
        saveNotes();
    const int64_t notesRun = runs.size() == 1 ? runs.front()->id : 0;
    if (notesRun != m_notesRun) { // the same run's notes stay as typed, cursor and all
        m_rebuilding = true;
        m_notesRun = notesRun;
        m_notes->setPlainText(m_notesRun ? QString::fromStdString(runs.front()->notes) : QString());
        m_notes->setEnabled(m_notesRun != 0);
        m_rebuilding = false;
    }
    m_restore->setEnabled(runs.size() == 1 && runs.front()->graph.is_object());
    m_delete->setEnabled(!runs.empty());
    m_exportCsv->setEnabled(runs.size() == 1);
    m_follow->setEnabled(runs.size() == 1);
}

void RunsPanel::sendFollowed()
{
    const RunRecord* run = m_followed ? record(m_followed) : nullptr;
    if (!run || !m_history)
        return;
    std::vector<BatchMetrics> batches;
    std::vector<EpochMetrics> epochs;
    try {
        batches = m_history->batchMetrics(run->id, m_followedStep);
        epochs = m_history->epochMetrics(run->id);
    } catch (const std::exception&) {
        return; // the next re-read tries again
    }
    const bool more = m_followedStep > 0;
    if (!batches.empty()) {
        const BatchMetrics& last = batches.back();
        m_followedStep = static_cast<int64_t>(last.epoch - 1) * last.batchesPerEpoch + last.batch;
    }
    Q_EMIT runFollowed(*run, batches, epochs, more);
    if (run->status != RunStatus::Running)
        m_followed = 0; // its curves are complete
}

void RunsPanel::plotSelection(const std::vector<const RunRecord*>& runs)
{
    m_plot->clearGraphs();
    const Metric& metric = kMetrics[std::max(0, m_metric->currentIndex())];
    m_plot->yAxis->setLabel(tr(metric.label) + (metric.percent ? QStringLiteral(" (%)") : QString()));
    size_t colour = 0;
    for (const RunRecord* run : runs) {
        QCPGraph* graph = m_plot->addGraph();
        graph->setName(QString::fromStdString(run->name));
        const QColor color = kRunColors[colour++ % std::size(kRunColors)];
        graph->setPen(QPen(color, 2.0));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, Qt::white, 6));
        std::vector<EpochMetrics> epochs;
        try {
            epochs = m_history->epochMetrics(run->id);
        } catch (const std::exception&) {
            continue; // the next re-read tries again
        }
        for (const EpochMetrics& epoch : epochs) {
            if (const std::optional<double> value = metric.value(epoch); value && std::isfinite(*value))
                graph->addData(epoch.epoch, metric.percent ? *value * 100.0 : *value);
        }
    }
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RunsPanel::compareSettings(const std::vector<const RunRecord*>& runs)
{
    std::set<std::string> keys;
    for (const RunRecord* run : runs) {
        if (run->settings.is_object())
            for (const auto& [key, value] : run->settings.items())
                keys.insert(key);
    }
    m_settings->clear();
    m_settings->setColumnCount(static_cast<int>(runs.size()));
    QStringList names;
    for (const RunRecord* run : runs)
        names << QString::fromStdString(run->name);
    m_settings->setHorizontalHeaderLabels(names);
    QStringList rows;
    int row = 0;
    m_settings->setRowCount(static_cast<int>(keys.size()));
    for (const std::string& key : keys) {
        QStringList all;
        for (const RunRecord* run : runs)
            all << text(run->settings.is_object() && run->settings.contains(key) ? run->settings[key] : nlohmann::json());
        const bool different = std::set<QString>(all.begin(), all.end()).size() > 1;
        if (m_onlyDifferences->isChecked() && !different)
            continue;
        rows << QString::fromStdString(key);
        for (int column = 0; column < all.size(); ++column) {
            auto* item = new QTableWidgetItem(all[column]);
            if (different) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setBackground(QColor(0xff, 0xf3, 0xc4));
                item->setToolTip(tr("differs between the selected runs"));
            }
            m_settings->setItem(row, column, item);
        }
        ++row;
    }
    m_settings->setRowCount(row);
    m_settings->setVerticalHeaderLabels(rows);
}

void RunsPanel::nameOrTagsEdited(QStandardItem* item)
{
    if (m_rebuilding || !m_history || (item->column() != Name && item->column() != Tags))
        return;
    const int64_t id = m_model->item(item->row(), Name)->data(kRunIdRole).toLongLong();
    const std::string value = item->text().trimmed().toStdString();
    try {
        if (item->column() == Name && !value.empty())
            m_history->rename(id, value);
        else if (item->column() == Tags)
            m_history->setTags(id, value);
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Cannot change the run"), QString::fromStdString(error.what()));
    }
    // Not now: the model is still delivering this edit.
    QMetaObject::invokeMethod(this, &RunsPanel::refresh, Qt::QueuedConnection);
}

void RunsPanel::saveNotes()
{
    m_notesSaver.stop();
    if (!m_history || m_notesRun == 0)
        return;
    try {
        m_history->setNotes(m_notesRun, m_notes->toPlainText().toStdString());
        for (RunRecord& run : m_runs) {
            if (run.id == m_notesRun)
                run.notes = m_notes->toPlainText().toStdString();
        }
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Cannot save the notes"), QString::fromStdString(error.what()));
    }
}

void RunsPanel::exportSelection()
{
    const std::vector<int64_t> ids = selectedRuns();
    const RunRecord* run = ids.size() == 1 ? record(ids.front()) : nullptr;
    if (!run || !m_history)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Run Metrics"),
                                                      QString::fromStdString(run->name).replace(QLatin1Char(' '), QLatin1Char('-')) + QStringLiteral(".csv"),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    try {
        writeFileAtomically(path.toStdString(), m_history->metricsCsv(run->id));
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Cannot export the metrics"), QString::fromStdString(error.what()));
    }
}

void RunsPanel::deleteSelection()
{
    const std::vector<int64_t> ids = selectedRuns();
    if (ids.empty() || !m_history)
        return;
    for (int64_t id : ids) {
        if (record(id)->status == RunStatus::Running) {
            QMessageBox::information(this, tr("Delete Runs"),
                                     tr("%1 is still running; delete it once it has ended.")
                                         .arg(QString::fromStdString(record(id)->name)));
            return;
        }
    }
    const auto answer = QMessageBox::question(
        this, tr("Delete Runs"),
        ids.size() == 1 ? tr("Delete %1 and all its metrics from the history?").arg(QString::fromStdString(record(ids.front())->name))
                        : tr("Delete these %1 runs and all their metrics from the history?").arg(ids.size()));
    if (answer != QMessageBox::Yes)
        return;
    try {
        for (int64_t id : ids)
            m_history->remove(id);
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Cannot delete the runs"), QString::fromStdString(error.what()));
    }
    refresh();
}

} // namespace lepton
