#include "history/runhistory.h"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <filesystem>
#include <stdexcept>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace lepton {
namespace {

constexpr int kSchemaVersion = 1;

const char* const kSchema = R"(
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so a deleted run's number stays its own
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  started REAL NOT NULL,
  ended REAL,
  device TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  resumes INTEGER NOT NULL DEFAULT 0,
  settings TEXT NOT NULL,
  graph TEXT NOT NULL,
  dataset TEXT NOT NULL,
  summary TEXT,
  error TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  checkpoint_dir TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS batch_metrics(
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  batches_per_epoch INTEGER NOT NULL,
  loss REAL,
  accuracy REAL,
  learning_rate REAL,
  samples_per_second REAL,
  elapsed REAL,
  PRIMARY KEY(run, step)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epoch_metrics(
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  epochs INTEGER NOT NULL,
  train_loss REAL,
  train_accuracy REAL,
  validation_loss REAL,
  validation_accuracy REAL,
  learning_rate REAL,
  samples_per_second REAL,
  data_wait REAL,
  elapsed REAL,
  PRIMARY KEY(run, epoch)) WITHOUT ROWID;
)";

double now()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A checkpoint folder as the history keeps it: absolute and normal, so a run
// is found whichever folder its process, or the one looking, started in.
std::string folderKey(const std::string& folder)
{
    if (folder.empty())
        return folder;
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::absolute(folder, error);
    return error ? folder : absolute.lexically_normal().string();
}

std::string hostName()
{
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
}

// Whether process `pid` on this machine has ended.
bool processGone(int64_t pid)
{
    return pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

nlohmann::json parsed(const std::string& text)
{
    return text.empty() ? nlohmann::json() : nlohmann::json::parse(text, nullptr, false);
}

int64_t stepOf(const BatchMetrics& batch)
{
    return static_cast<int64_t>(batch.epoch - 1) * batch.batchesPerEpoch + batch.batch;
}

} // namespace

std::string toString(RunStatus status)
{
    switch (status) {
    case RunStatus::Running: return "running";
    case RunStatus::Finished: return "finished";
    case RunStatus::Stopped: return "stopped";
    case RunStatus::Failed: return "failed";
    case RunStatus::Interrupted: return "interrupted";
    }
    return "running";
}

namespace {

RunStatus statusFromString(const std::string& text)
{
    for (RunStatus status : {RunStatus::Running, RunStatus::Finished, RunStatus::Stopped, RunStatus::Failed,
                             RunStatus::Interrupted}) {
        if (toString(status) == text)
            return status;
    }
    return RunStatus::Interrupted;
}

} // namespace

RunStatus runStatusFor(TrainerState endState)
{
    switch (endState) {
    case TrainerState::Finished: return RunStatus::Finished;
    case TrainerState::Stopped: return RunStatus::Stopped;
    case TrainerState::Failed: return RunStatus::Failed;
    default: return RunStatus::Interrupted;
    }
}

std::string RunHistory::fileIn(const std::string& directory)
{
    return (std::filesystem::path(directory) / "runs.sqlite").string();
}

namespace {

std::string createdDirectory(const std::string& directory)
{
    std::error_code error;
    std::filesystem::create_directories(directory, error);
    if (error)
        throw std::runtime_error(directory + ": cannot create the folder for the run history: " + error.message());
    return directory;
}

} // namespace

RunHistory::RunHistory(const std::string& directory)
    : m_db(fileIn(createdDirectory(directory)))
{
    int64_t version = 0;
    {
        SqliteStatement query(m_db, "PRAGMA user_version");
        query.step();
        version = query.integer(0);
    }
    if (version > kSchemaVersion)
        throw std::runtime_error(m_db.path() + ": written by a newer Lepton (history schema "
                                 + std::to_string(version) + ", this one reads "
                                 + std::to_string(kSchemaVersion) + ")");
    // WAL: readers never block the writer; NORMAL: a commit is not lost when the
    // process is killed, only (rarely) when the machine loses power.
    m_db.useWriteAheadLog();
    m_db.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    m_db.execute(kSchema);
    m_db.execute("PRAGMA user_version=" + std::to_string(kSchemaVersion));
}

int64_t RunHistory::begin(const RunStart& start)
{
    std::lock_guard lock(m_mutex);
    SqliteTransaction transaction(m_db);
    SqliteStatement insert(m_db, "INSERT INTO runs(name, status, source, started, device, host, pid, settings,"
                                 " graph, dataset, tags, checkpoint_dir) VALUES('', 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, start.source)
        .bind(2, now())
        .bind(3, start.device)
        .bind(4, hostName())
        .bind(5, static_cast<int64_t>(getpid()))
        .bind(6, start.settings.dump())
        .bind(7, start.graph.dump())
        .bind(8, start.dataset.dump())
        .bind(9, start.tags)
        .bind(10, folderKey(start.checkpointDir))
        .run();
    const int64_t id = m_db.lastInsertId();
    SqliteStatement(m_db, "UPDATE runs SET name='run ' || id WHERE id=?").bind(1, id).run();
    transaction.commit();
    return id;
}

std::optional<int64_t> RunHistory::latestRun(const std::string& checkpointDir)
{
    std::lock_guard lock(m_mutex);
    // As given too: runs recorded before folders were kept absolute.
    SqliteStatement latest(m_db, "SELECT MAX(id) FROM runs WHERE checkpoint_dir IN (?, ?)");
    latest.bind(1, folderKey(checkpointDir)).bind(2, checkpointDir);
    latest.step();
    if (latest.isNull(0))
        return std::nullopt;
    return latest.integer(0);
}

void RunHistory::reopen(int64_t run)
{
    std::lock_guard lock(m_mutex);
    SqliteStatement resume(m_db, "UPDATE runs SET status='running', ended=NULL, error='', pid=?, host=?,"
                                 " resumes=resumes+1 WHERE id=?");
    resume.bind(1, static_cast<int64_t>(getpid())).bind(2, hostName()).bind(3, run).run();
}

void RunHistory::record(int64_t run, const std::vector<TrainingEvent>& events)
{
    std::lock_guard lock(m_mutex);
    SqliteTransaction transaction(m_db);
    // OR REPLACE: a resumed run trains the batches after its checkpoint again.
    SqliteStatement batch(m_db, "INSERT OR REPLACE INTO batch_metrics VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    SqliteStatement epoch(m_db, "INSERT OR REPLACE INTO epoch_metrics VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const TrainingEvent& event : events) {
        if (event.kind == TrainingEvent::Kind::Batch) {
            const BatchMetrics& m = event.batch;
            batch.bind(1, run).bind(2, stepOf(m)).bind(3, static_cast<int64_t>(m.epoch)).bind(4, m.batch)
                .bind(5, m.batchesPerEpoch).bind(6, m.loss).bind(7, m.accuracy).bind(8, m.learningRate)
                .bind(9, m.samplesPerSecond).bind(10, m.elapsedSeconds).run();
        } else if (event.kind == TrainingEvent::Kind::Epoch) {
            const EpochMetrics& m = event.epoch;
            epoch.bind(1, run).bind(2, static_cast<int64_t>(m.epoch)).bind(3, static_cast<int64_t>(m.epochs))
                .bind(4, m.trainLoss).bind(5, m.trainAccuracy).bind(6, m.validationLoss)
                .bind(7, m.validationAccuracy).bind(8, m.learningRate).bind(9, m.samplesPerSecond)
                .bind(10, m.dataWaitShare).bind(11, m.elapsedSeconds).run();
        }
    }
    transaction.commit();
}

void RunHistory::finish(int64_t run, RunStatus status, const TrainingSummary& summary, const std::string& error)
{
    std::lock_guard lock(m_mutex);
    SqliteStatement update(m_db, "UPDATE runs SET status=?, ended=?, summary=?, error=?, device=? WHERE id=?");
    update.bind(1, toString(status))
        .bind(2, now())
        .bind(3, summaryToJson(summary).dump())
        .bind(4, error)
        .bind(5, summary.device)
        .bind(6, run)
        .run();
}

void RunHistory::markInterrupted()
{
    SqliteStatement running(m_db, "SELECT id, pid FROM runs WHERE status='running' AND host=?");
    running.bind(1, hostName());
    std::vector<int64_t> gone;
    while (running.step()) {
        if (processGone(running.integer(1)))
            gone.push_back(running.integer(0));
    }
    SqliteStatement mark(m_db, "UPDATE runs SET status='interrupted' WHERE id=? AND status='running'");
    for (int64_t id : gone)
        mark.bind(1, id).run();
}

std::vector<RunRecord> RunHistory::select(const std::string& where, std::optional<int64_t> id)
{
    std::lock_guard lock(m_mutex);
    markInterrupted();
    SqliteStatement query(m_db, "SELECT id, name, status, source, started, ended, device, host, pid, resumes,"
                                " settings, graph, dataset, summary, error, tags, notes,"
                                " (SELECT COUNT(*) FROM epoch_metrics e WHERE e.run=runs.id),"
                                " (SELECT MAX(validation_accuracy) FROM epoch_metrics e WHERE e.run=runs.id),"
                                " (SELECT MIN(validation_loss) FROM epoch_metrics e WHERE e.run=runs.id)"
                                " FROM runs " + where + " ORDER BY id DESC");
    if (id)
        query.bind(1, *id);
    std::vector<RunRecord> records;
    while (query.step()) {
        RunRecord r;
        r.id = query.integer(0);
        r.name = query.text(1);
        r.status = statusFromString(query.text(2));
        r.source = query.text(3);
        r.started = query.real(4);
        r.ended = query.optionalReal(5);
        r.device = query.text(6);
        r.host = query.text(7);
        r.pid = query.integer(8);
        r.resumes = static_cast<int>(query.integer(9));
        r.settings = parsed(query.text(10));
        r.graph = parsed(query.text(11));
        r.dataset = parsed(query.text(12));
        r.summary = parsed(query.text(13));
        r.error = query.text(14);
        r.tags = query.text(15);
        r.notes = query.text(16);
        r.epochs = static_cast<int>(query.integer(17));
        r.bestValidationAccuracy = query.optionalReal(18);
        r.bestValidationLoss = query.optionalReal(19);
        records.push_back(std::move(r));
    }
    return records;
}

std::vector<RunRecord> RunHistory::runs()
{
    return select("", std::nullopt);
}

std::optional<RunRecord> RunHistory::run(int64_t id)
{
    std::vector<RunRecord> found = select("WHERE id=?", id);
    if (found.empty())
        return std::nullopt;
    return std::move(found.front());
}

std::vector<BatchMetrics> RunHistory::batchMetrics(int64_t run, int64_t afterStep)
{
    std::lock_guard lock(m_mutex);
    SqliteStatement query(m_db, "SELECT epoch, batch, batches_per_epoch, loss, accuracy, learning_rate,"
                                " samples_per_second, elapsed FROM batch_metrics WHERE run=? AND step>? ORDER BY step");
    query.bind(1, run).bind(2, afterStep);
    std::vector<BatchMetrics> metrics;
    while (query.step()) {
        BatchMetrics m;
        m.epoch = static_cast<int>(query.integer(0));
        m.batch = query.integer(1);
        m.batchesPerEpoch = query.integer(2);
        m.loss = query.real(3);
        m.accuracy = query.real(4);
        m.learningRate = query.real(5);
        m.samplesPerSecond = query.real(6);
        m.elapsedSeconds = query.real(7);
        metrics.push_back(m);
    }
    return metrics;
}

std::vector<EpochMetrics> RunHistory::epochMetrics(int64_t run)
{
    std::lock_guard lock(m_mutex);
    SqliteStatement query(m_db, "SELECT epoch, epochs, train_loss, train_accuracy, validation_loss,"
                                " validation_accuracy, learning_rate, samples_per_second, data_wait, elapsed"
                                " FROM epoch_metrics WHERE run=? ORDER BY epoch");
    query.bind(1, run);
    std::vector<EpochMetrics> metrics;
    while (query.step()) {
        EpochMetrics m;
        m.epoch = static_cast<int>(query.integer(0));
        m.epochs = static_cast<int>(query.integer(1));
        m.trainLoss = query.real(2);
        m.trainAccuracy = query.real(3);
        m.validationLoss = query.optionalReal(4);
        m.validationAccuracy = query.optionalReal(5);
        m.learningRate = query.real(6);
        m.samplesPerSecond = query.real(7);
        m.dataWaitShare = query.real(8);
        m.elapsedSeconds = query.real(9);
        metrics.push_back(m);
    }
    return metrics;
}

namespace {

std::string csvNumber(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return "";
    std::ostringstream text;
    text << std::setprecision(9) << *value;
    return text.str();
}

} // namespace

std::string RunHistory::metricsCsv(int64_t run)
{
    std::ostringstream csv;
    csv << "level,epoch,batch,step,train_loss,train_accuracy,validation_loss,validation_accuracy,"
           "learning_rate,samples_per_second,data_wait,elapsed_seconds\n";
    for (const EpochMetrics& m : epochMetrics(run))
        csv << "epoch," << m.epoch << ",,," << csvNumber(m.trainLoss) << ',' << csvNumber(m.trainAccuracy) << ','
            << csvNumber(m.validationLoss) << ',' << csvNumber(m.validationAccuracy) << ','
            << csvNumber(m.learningRate) << ',' << csvNumber(m.samplesPerSecond) << ','
            << csvNumber(m.dataWaitShare) << ',' << csvNumber(m.elapsedSeconds) << '\n';
    for (const BatchMetrics& m : batchMetrics(run))
        csv << "batch," << m.epoch << ',' << m.batch << ',' << (m.epoch - 1) * m.batchesPerEpoch + m.batch << ','
            << csvNumber(m.loss) << ',' << csvNumber(m.accuracy) << ",,," << csvNumber(m.learningRate) << ','
            << csvNumber(m.samplesPerSecond) << ",," << csvNumber(m.elapsedSeconds) << '\n';
    return csv.str();
}


namespace {

void setText(SqliteDatabase& db, const char* column, int64_t run, const std::string& value)
{
    SqliteStatement update(db, std::string("UPDATE runs SET ") + column + "=? WHERE id=?");
    update.bind(1, value).bind(2, run).run();
}

} // namespace

void RunHistory::rename(int64_t run, const std::string& name)
{
    std::lock_guard lock(m_mutex);
    setText(m_db, "name", run, name);
}

void RunHistory::setTags(int64_t run, const std::string& tags)
{
    std::lock_guard lock(m_mutex);
    setText(m_db, "tags", run, tags);
}

void RunHistory::setNotes(int64_t run, const std::string& notes)
{
    std::lock_guard lock(m_mutex);
    setText(m_db, "notes", run, notes);
}

void RunHistory::remove(int64_t run)
{
    std::lock_guard lock(m_mutex);
    SqliteStatement erase(m_db, "DELETE FROM runs WHERE id=?");
    erase.bind(1, run).run();
}

} // namespace lepton
