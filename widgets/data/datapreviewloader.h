#pragma once

#include "data/dataprofile.h"
#include "data/datasetspec.h"
#include "project/starternetwork.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace lepton {

// What the Data panel shows of the data a DatasetSpec names.
struct DataPreviewResult {
    std::shared_ptr<const DatasetSplits> splits; // null when loading failed
    DataProfile profile;                         // of the training data
    std::optional<DataInterface> interface;      // what the network must take and give
    QString error;                               // the DataError text, naming file and row
};

// Loads the data for a preview on a pool thread, so the GUI thread never
// waits on decoding. Requests are debounced: one made while an earlier one
// waits replaces it, and a newer load sets the stop flag of the one in
// flight, whose result is then dropped. Split, preprocessing and
// augmentation do not change the raw data, so edits of only those reuse the
// last load.
class DataPreviewLoader : public QObject {
    Q_OBJECT

public:
    explicit DataPreviewLoader(QObject* parent = nullptr);
    // Stops the load in flight; its thread drops the result on its own.
    ~DataPreviewLoader() override;

    void request(const DatasetSpec& dataset, const QString& baseDir);
    // Loads again even when the spec is unchanged (files changed on disk).
    void reload();
    // Forgets the request and stops the load in flight.
    void cancel();
    bool isBusy() const;
    // Whether loads started from now on run at the idle priority (Linux's
    // SCHED_IDLE; the lowest elsewhere): set while a training run holds the
    // cores, so that a preview takes only the time they leave idle (on two
    // cores, at normal priority, it took a tenth of a short run).
    void setBackground(bool background) { m_background = background; }
    bool isBackground() const { return m_background; }

Q_SIGNALS:
    void started();
    void finished(const lepton::DataPreviewResult& result);

private:
    void start();
    void stopInFlight();

    QTimer m_timer;
    QFutureWatcher<DataPreviewResult> m_watcher;
    bool m_background = false;
    // Made on the first background load; its threads start at the idle
    // priority. Its end waits for its load still in flight, which the
    // loader's end has told to stop: the main window's training session is
    // destroyed before its panels, so that no run holds the cores by then.
    std::unique_ptr<QThreadPool> m_backgroundPool;
    DatasetSpec m_dataset;
    QString m_baseDir;
    std::string m_requestKey; // what the last request loads
    std::string m_startedKey; // what the load started last reads
    std::shared_ptr<std::atomic<bool>> m_stop;
};

} // namespace lepton
