#include "data/datapreviewloader.h"

#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace lepton {

namespace {

constexpr int kDebounceMs = 300;

// Only what the raw data depends on.
std::string loadKey(const DatasetSpec& dataset, const QString& baseDir)
{
    return nlohmann::json{{"source", dataset.source},
                          {"params", dataset.params},
                          {"classes", dataset.classNames},
                          {"target", int(dataset.target)},
                          {"base", baseDir.toStdString()}}
        .dump();
}

// Runs on a pool thread: owns copies of everything it reads.
DataPreviewResult load(const DatasetSpec& dataset, const std::string& baseDir,
                       const std::shared_ptr<std::atomic<bool>>& stop)
{
    DataPreviewResult result;
    try {
        const DataLoadContext context{baseDir, stop.get()};
        auto splits = std::make_shared<DatasetSplits>(loadDataset(dataset, context));
        if (context.stopRequested())
            return result;
        result.profile = profileData(dataset, splits->train, context);
        // Scans every token id for the vocabulary: here, not on the GUI thread.
        result.interface = lepton::dataInterface(splits->train);
        result.splits = std::move(splits);
    } catch (const DataCancelled&) {
        // Superseded: nobody waits for this result.
    } catch (const std::exception& error) {
        result.error = QString::fromStdString(error.what());
    }
    return result;
}

} // namespace

DataPreviewLoader::DataPreviewLoader(QObject* parent)
    : QObject(parent)
    , m_stop(std::make_shared<std::atomic<bool>>(false))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(kDebounceMs);
    connect(&m_timer, &QTimer::timeout, this, &DataPreviewLoader::start);
    connect(&m_watcher, &QFutureWatcher<DataPreviewResult>::finished, this, [this] {
        if (!m_stop->load())
            Q_EMIT finished(m_watcher.result());
    });
}

DataPreviewLoader::~DataPreviewLoader()
{
    stopInFlight();
}

void DataPreviewLoader::request(const DatasetSpec& dataset, const QString& baseDir)
{
    const std::string key = loadKey(dataset, baseDir);
    if (key == m_requestKey)
        return;
    m_requestKey = key;
    m_dataset = dataset;
    m_baseDir = baseDir;
    if (key == m_startedKey) { // back to what is loading or loaded
        m_timer.stop();
        return;
    }
    m_timer.start();
}

void DataPreviewLoader::reload()
{
    m_startedKey.clear();
    if (!m_requestKey.empty())
        m_timer.start();
}

void DataPreviewLoader::cancel()
{
    m_timer.stop();
    stopInFlight();
    m_requestKey.clear();
    m_startedKey.clear();
}

bool DataPreviewLoader::isBusy() const
{
    return m_timer.isActive() || m_watcher.isRunning();
}

void DataPreviewLoader::start()
{
    stopInFlight();
    m_stop = std::make_shared<std::atomic<bool>>(false);
    m_startedKey = m_requestKey;
    Q_EMIT started();
    // A new future replaces the watched one: the old one's end goes unheard.
    if (!m_background) {
        m_watcher.setFuture(QtConcurrent::run(load, m_dataset, m_baseDir.toStdString(), m_stop));
        return;
    }
    if (!m_backgroundPool) {
        m_backgroundPool = std::make_unique<QThreadPool>();
        m_backgroundPool->setMaxThreadCount(2); // a superseded load may still be finishing
        // Linux's SCHED_IDLE: the threads run when a core would otherwise idle.
        m_backgroundPool->setThreadPriority(QThread::IdlePriority);
    }
    m_watcher.setFuture(QtConcurrent::run(m_backgroundPool.get(), load, m_dataset, m_baseDir.toStdString(), m_stop));
}

void DataPreviewLoader::stopInFlight()
{
    m_stop->store(true);
}

} // namespace lepton
