// The run history on real SQLite files: what a run records, what a reader
// sees later, and how a run whose process is gone shows.
#include <QTemporaryDir>
#include <QtTest>

#include "history/runhistory.h"
#include "history/runrecorder.h"
#include "history/sqlite.h"

#include <fstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace lepton;

namespace {

RunStart startOn(const std::string& device, bool resume = false)
{
    RunStart start;
    start.source = "test";
    start.device = device;
    start.settings = {{"optimizer", "adam"}, {"learning_rate", 0.01}, {"epochs", 3}};
    start.graph = {{"nodes", nlohmann::json::array()}};
    start.dataset = {{"source", "synthetic"}};
    start.resume = resume;
    start.checkpointDir = "/projects/p.lepton.d";
    return start;
}

TrainingEvent batchEvent(int epoch, int64_t batch, double loss)
{
    TrainingEvent event;
    event.kind = TrainingEvent::Kind::Batch;
    event.batch = {epoch, batch, 4, loss, 0.5, 0.01, 1000.0, 0.1 * static_cast<double>(batch)};
    return event;
}

TrainingEvent epochEvent(int epoch, double validationAccuracy)
{
    TrainingEvent event;
    event.kind = TrainingEvent::Kind::Epoch;
    event.epoch.epoch = epoch;
    event.epoch.epochs = 3;
    event.epoch.trainLoss = 1.0 / epoch;
    event.epoch.trainAccuracy = 0.5;
    event.epoch.validationLoss = 2.0 / epoch;
    event.epoch.validationAccuracy = validationAccuracy;
    return event;
}

TrainingEvent stateEvent(TrainerState state)
{
    TrainingEvent event;
    event.kind = TrainingEvent::Kind::State;
    event.state = state;
    return event;
}

TrainingEvent finishedEvent(TrainerState state, const std::string& error = {})
{
    TrainingEvent event;
    event.kind = TrainingEvent::Kind::Finished;
    event.state = state;
    event.message = error;
    event.summary.device = "cpu";
    event.summary.epochsCompleted = 2;
    event.summary.testAccuracy = 0.75;
    event.summary.seconds = 12.5;
    return event;
}

// A process id that no process has any more.
pid_t endedProcess()
{
    const pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, nullptr, 0);
    return child;
}

} // namespace

class RunHistoryTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aRunReadsBackAfterReopening()
    {
        QTemporaryDir dir;
        const std::string folder = dir.filePath("p.lepton.d").toStdString(); // created on demand
        int64_t id = 0;
        {
            RunHistory history(folder);
            id = history.begin(startOn("cpu"));
            history.record(id, {batchEvent(1, 1, 2.0), batchEvent(1, 2, 1.5), epochEvent(1, 0.6)});
            history.record(id, {batchEvent(2, 1, 1.0), epochEvent(2, 0.8), stateEvent(TrainerState::Running)});
            history.finish(id, RunStatus::Finished, finishedEvent(TrainerState::Finished).summary, {});
        }
        RunHistory reopened(folder);
        const std::vector<RunRecord> runs = reopened.runs();
        QCOMPARE(runs.size(), size_t(1));
        const RunRecord& run = runs.front();
        QCOMPARE(run.id, id);
        QCOMPARE(run.name, std::string("run 1"));
        QCOMPARE(toString(run.status), std::string("finished"));
        QCOMPARE(run.source, std::string("test"));
        QCOMPARE(run.settings["learning_rate"].get<double>(), 0.01);
        QCOMPARE(run.dataset["source"].get<std::string>(), std::string("synthetic"));
        QCOMPARE(run.epochs, 2);
        QCOMPARE(*run.bestValidationAccuracy, 0.8);
        QCOMPARE(*run.bestValidationLoss, 1.0);
        QCOMPARE(run.summary["test_accuracy"].get<double>(), 0.75);
        QVERIFY(run.ended && *run.ended >= run.started);

        const std::vector<BatchMetrics> batches = reopened.batchMetrics(id);
        QCOMPARE(batches.size(), size_t(3));
        QCOMPARE(batches[1].loss, 1.5);
        QCOMPARE(batches[2].epoch, 2);
        const std::vector<BatchMetrics> later = reopened.batchMetrics(id, 2); // after step 2: what a follower lacks
        QCOMPARE(later.size(), size_t(1));
        QCOMPARE(later[0].epoch, 2);
        const std::vector<EpochMetrics> epochs = reopened.epochMetrics(id);
        QCOMPARE(epochs.size(), size_t(2));
        QCOMPARE(*epochs[1].validationAccuracy, 0.8);
    }

    void aRunWhoseProcessEndedShowsAsInterrupted()
    {
        QTemporaryDir dir;
        RunHistory history(dir.path().toStdString());
        const int64_t gone = history.begin(startOn("cpu"));
        history.record(gone, {epochEvent(1, 0.5)});
        const int64_t alive = history.begin(startOn("cpu")); // this process's own, still running
        {
            SqliteDatabase db(RunHistory::fileIn(dir.path().toStdString()));
            SqliteStatement(db, "UPDATE runs SET pid=? WHERE id=?").bind(1, int64_t(endedProcess())).bind(2, gone).run();
        }
        QCOMPARE(toString(history.run(gone)->status), std::string("interrupted"));
        QCOMPARE(history.run(gone)->epochs, 1); // what it wrote stays
        QCOMPARE(toString(history.run(alive)->status), std::string("running"));
    }

    void theRecorderFollowsARunToItsEnd()
    {
        QTemporaryDir dir;
        auto events = std::make_shared<EventQueue>();
        RunRecorder recorder(events);
        const int64_t id = recorder.begin(dir.path().toStdString(), startOn("cpu"));
        for (TrainingEvent event : {stateEvent(TrainerState::Running), batchEvent(1, 1, 2.0), epochEvent(1, 0.4),
                                    finishedEvent(TrainerState::Failed, "loss became NaN at epoch 2, batch 3")})
            events->push(std::move(event));
        recorder.waitUntilFinished();
        QCOMPARE(recorder.problem(), std::string());

        RunHistory history(dir.path().toStdString());
        const RunRecord run = *history.run(id);
        QCOMPARE(toString(run.status), std::string("failed"));
        QCOMPARE(run.error, std::string("loss became NaN at epoch 2, batch 3"));
        QCOMPARE(history.batchMetrics(id).size(), size_t(1));
        QCOMPARE(run.epochs, 1);
    }

    // A resume continues the latest run's record once it trains; one refused
    // before its first batch leaves the record as it was.
    void aResumeContinuesTheLatestRun()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        auto events = std::make_shared<EventQueue>();
        RunRecorder recorder(events);
        const int64_t first = recorder.begin(folder, startOn("cpu"));
        for (TrainingEvent event : {stateEvent(TrainerState::Running), epochEvent(1, 0.5),
                                    finishedEvent(TrainerState::Stopped)})
            events->push(std::move(event));
        recorder.waitUntilFinished();

        QCOMPARE(recorder.begin(folder, startOn("cpu", true)), first);
        events->push(finishedEvent(TrainerState::Failed, "the training setting 'batch_size' changed"));
        recorder.waitUntilFinished();
        RunHistory history(folder);
        QCOMPARE(toString(history.run(first)->status), std::string("stopped"));
        QCOMPARE(history.run(first)->error, std::string());

        QCOMPARE(recorder.begin(folder, startOn("cpu", true)), first);
        for (TrainingEvent event : {stateEvent(TrainerState::Running), epochEvent(2, 0.7), epochEvent(3, 0.9),
                                    finishedEvent(TrainerState::Finished)})
            events->push(std::move(event));
        recorder.waitUntilFinished();
        const RunRecord resumed = *history.run(first);
        QCOMPARE(toString(resumed.status), std::string("finished"));
        QCOMPARE(resumed.resumes, 1);
        QCOMPARE(resumed.epochs, 3);
        QCOMPARE(history.runs().size(), size_t(1));

        // A run elsewhere (a sweep's trial) in between: the resume still continues the run above.
        RunStart trial = startOn("cpu");
        trial.checkpointDir = "/projects/p.lepton.d/sweeps/sweep-1/trial-1";
        const int64_t other = history.begin(trial);
        history.finish(other, RunStatus::Finished, {}, {});
        QCOMPARE(recorder.begin(folder, startOn("cpu", true)), first);
        events->push(finishedEvent(TrainerState::Failed, "nothing left to train"));
        recorder.waitUntilFinished();
    }

    void runsCanBeRenamedTaggedAnnotatedAndDeleted()
    {
        QTemporaryDir dir;
        RunHistory history(dir.path().toStdString());
        const int64_t kept = history.begin(startOn("cpu"));
        const int64_t dropped = history.begin(startOn("cpu"));
        history.record(dropped, {batchEvent(1, 1, 1.0), epochEvent(1, 0.5)});
        history.rename(kept, "baseline");
        history.setTags(kept, "lr-sweep, small");
        history.setNotes(kept, "the first try\nwith two lines");
        history.remove(dropped);
        const std::vector<RunRecord> runs = history.runs();
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs.front().name, std::string("baseline"));
        QCOMPARE(runs.front().tags, std::string("lr-sweep, small"));
        QCOMPARE(runs.front().notes, std::string("the first try\nwith two lines"));
        QVERIFY(history.batchMetrics(dropped).empty()); // its metrics went with it
        const int64_t next = history.begin(startOn("cpu"));
        QCOMPARE(next, dropped + 1); // a deleted run's number is never given again
        QCOMPARE(history.run(next)->name, "run " + std::to_string(next));
    }

    // Sweep trials start side by side: processes opening a history that does
    // not exist yet all get their run recorded, none is turned away as locked.
    void processesStartingTogetherAreAllRecorded()
    {
        constexpr int kRounds = 12;
        constexpr int kProcesses = 4;
        for (int round = 0; round < kRounds; ++round) {
            QTemporaryDir dir;
            const std::string folder = dir.path().toStdString();
            int gate[2];
            QVERIFY(pipe(gate) == 0);
            std::vector<pid_t> children;
            for (int i = 0; i < kProcesses; ++i) {
                const pid_t child = fork();
                if (child == 0) {
                    close(gate[1]);
                    char released;
                    [[maybe_unused]] const ssize_t ignored = read(gate[0], &released, 1); // returns once the gate closes
                    try {
                        RunHistory(folder).begin(startOn("cpu"));
                        _exit(0);
                    } catch (const std::exception& error) {
                        std::fprintf(stderr, "%s\n", error.what());
                        _exit(1);
                    }
                }
                children.push_back(child);
            }
            close(gate[0]);
            close(gate[1]); // all start at once
            for (const pid_t child : children) {
                int status = 0;
                waitpid(child, &status, 0);
                QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a process could not record its run");
            }
            QCOMPARE(RunHistory(folder).runs().size(), size_t(kProcesses));
        }
    }

    void unreadableHistoriesNameTheirFile()
    {
        QTemporaryDir dir;
        const std::string file = RunHistory::fileIn(dir.path().toStdString());
        std::ofstream(file) << "this is not a database, only text long enough to have a header page";
        try {
            RunHistory history(dir.path().toStdString());
            QFAIL("a text file opened as a run history");
        } catch (const std::runtime_error& error) {
            QVERIFY2(std::string(error.what()).find(file) == 0, error.what());
            QVERIFY2(std::string(error.what()).find("not a database") != std::string::npos, error.what());
        }

        QTemporaryDir newer;
        {
            SqliteDatabase db(RunHistory::fileIn(newer.path().toStdString()));
            db.execute("PRAGMA user_version=99");
        }
        try {
            RunHistory history(newer.path().toStdString());
            QFAIL("a history of a newer schema opened");
        } catch (const std::runtime_error& error) {
            QVERIFY2(std::string(error.what()).find("written by a newer Lepton (history schema 99") != std::string::npos,
                     error.what());
        }
    }
};

QTEST_GUILESS_MAIN(RunHistoryTest)
#include "tst_runhistory.moc"
