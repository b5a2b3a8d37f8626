#pragma once

#include "history/runhistory.h"
#include "trainingmetatypes.h"

#include <QDateTime>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItem;
class QStandardItemModel;
class QTableView;
class QTableWidget;

namespace lepton {

// The project's recorded runs (NAME.lepton.d/runs.sqlite): a sortable,
// filterable table whose names and tags are edited in place; the selected
// runs' curves overlaid in one plot and their settings side by side, the
// differences marked; notes, delete, and the graph of a run back into the
// editor. It follows the history as runs are added, also by another process
// (the CLI), re-reading it when its file changes.
class RunsPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunsPanel(QWidget* parent = nullptr);
    ~RunsPanel() override;

    // The history in `directory` (PROJECT.d); empty for a project not saved.
    void setHistoryFolder(const QString& directory);
    // Reads the runs again, keeping the selection.
    void refresh();
    void selectRuns(const std::vector<int64_t>& ids);
    std::vector<int64_t> selectedRuns() const;
    // Sends the followed run no more (the dashboard went to another run).
    void stopFollowing() { m_followed = 0; }

    QTableView* table() const { return m_table; }
    QCustomPlot* comparisonPlot() const { return m_plot; }
    QTableWidget* settingsTable() const { return m_settings; }
    QLineEdit* filter() const { return m_filter; }
    QPlainTextEdit* notes() const { return m_notes; }

Q_SIGNALS:
    // Restore Graph: put this run's graph (graphToJson form) in the editor.
    void restoreGraphRequested(const nlohmann::json& graph, const QString& runName);
    // Show in Dashboard: this run's recorded curves. While it runs (in the
    // CLI, say), every re-read sends the batches recorded since (`more`
    // true) and all the epochs, so the dashboard follows it.
    void runFollowed(const lepton::RunRecord& run, const std::vector<lepton::BatchMetrics>& batches,
                     const std::vector<lepton::EpochMetrics>& epochs, bool more);

private:
    void rebuildTable();
    void showSelection();
    void plotSelection(const std::vector<const RunRecord*>& runs);
    void compareSettings(const std::vector<const RunRecord*>& runs);
    void nameOrTagsEdited(QStandardItem* item);
    void saveNotes();
    void deleteSelection();
    void exportSelection();
    void sendFollowed();
    void followFile();
    const RunRecord* record(int64_t id) const;

    std::unique_ptr<RunHistory> m_history;
    QString m_folder;
    std::vector<RunRecord> m_runs;
    QStandardItemModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTableView* m_table;
    QComboBox* m_metric;
    QCustomPlot* m_plot;
    QTableWidget* m_settings;
    QCheckBox* m_onlyDifferences;
    QPlainTextEdit* m_notes;
    QPushButton* m_restore;
    QPushButton* m_delete;
    QPushButton* m_exportCsv;
    QPushButton* m_follow;
    int64_t m_followed = 0;     // the run whose curves the dashboard shows
    int64_t m_followedStep = 0; // the last of its steps sent
    int64_t m_notesRun = 0; // whose notes the editor holds
    QTimer m_notesSaver;
    QTimer m_watcher;
    QDateTime m_seenChange; // of the history's files, at the last read
    bool m_rebuilding = false;
};

} // namespace lepton
