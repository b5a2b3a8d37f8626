// Data-parallel training: worker places from the torchrun environment, how a
// batch is shared, and real `lepton train --nproc 2` workers on loopback.
#include "train/checkpoint.h"
#include "train/tensordata.h"
#include "train/workerplace.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "common/clitestutil.h"

#include <csignal>
#include <map>

using namespace lepton;

namespace {

using Environment = std::map<std::string, std::string>;

WorkerPlace placeIn(const Environment& environment)
{
    return workerPlaceFromEnvironment([&](const char* name) -> const char* {
        const auto found = environment.find(name);
        return found == environment.end() ? nullptr : found->second.c_str();
    });
}

// The spiral example with another batch size and epoch count, in `dir`.
QString spiralProject(const QTemporaryDir& dir, const QString& name, int batchSize, int epochs)
{
    QFile example(QStringLiteral(LEPTON_SOURCE_DIR "/projects/spiral-mlp.lepton"));
    if (!example.open(QIODevice::ReadOnly))
        return {};
    nlohmann::json project = nlohmann::json::parse(example.readAll().toStdString());
    project["training"]["batch_size"] = batchSize;
    project["training"]["epochs"] = epochs;
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QByteArray::fromStdString(project.dump(2)));
    return path;
}

QJsonObject summaryOf(const CliResult& result)
{
    return QJsonDocument::fromJson(result.out.toUtf8()).object();
}

} // namespace

// Tests that start a group of workers on the CPU need this build's Gloo.
#ifdef LEPTON_GLOO
#define SKIP_WITHOUT_GLOO()
#else
#define SKIP_WITHOUT_GLOO() QSKIP("this build has no Gloo (libgloo-dev): workers on the CPU cannot exchange")
#endif

class TestDistributed : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void placeComesFromTheTorchrunEnvironment()
    {
        QVERIFY(!placeIn({}).distributed());
        QVERIFY(!placeIn({{"WORLD_SIZE", "1"}}).distributed());

        const WorkerPlace place = placeIn({{"WORLD_SIZE", "4"}, {"RANK", "3"}, {"LOCAL_RANK", "1"},
                                           {"MASTER_ADDR", "10.0.0.7"}, {"MASTER_PORT", "29400"}});
        QVERIFY(place.distributed());
        QCOMPARE(place.worldSize, 4);
        QCOMPARE(place.rank, 3);
        QCOMPARE(place.localRank, 1);
        QCOMPARE(place.masterAddress, std::string("10.0.0.7"));
        QCOMPARE(place.masterPort, 29400);
        // Without LOCAL_RANK a worker is alone on its machine's numbering.
        QCOMPARE(placeIn({{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_ADDR", "a"}, {"MASTER_PORT", "1"}}).localRank, 1);
        QVERIFY(place.launcherStorePrefix.empty()); // rank 0 serves the store
        const WorkerPlace underAgent = placeIn({{"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_ADDR", "a"},
                                                {"MASTER_PORT", "1"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                                {"TORCHELASTIC_RESTART_COUNT", "2"}});
        QCOMPARE(underAgent.launcherStorePrefix, std::string("/worker/attempt_2"));
    }

    void badEnvironmentNamesTheVariable_data()
    {
        QTest::addColumn<QString>("world");
        QTest::addColumn<QString>("rank");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("expected");
        QTest::newRow("world size") << "two" << "0" << "29500" << "WORLD_SIZE='two' is not a whole number";
        QTest::newRow("missing rank") << "2" << "" << "29500" << "RANK is not set";
        QTest::newRow("rank too high") << "2" << "2" << "29500" << "RANK='2' is not a whole number from 0 to 1";
        QTest::newRow("port") << "2" << "0" << "70000" << "MASTER_PORT='70000'";
    }

    void badEnvironmentNamesTheVariable()
    {
        QFETCH(QString, world);
        QFETCH(QString, rank);
        QFETCH(QString, port);
        QFETCH(QString, expected);
        Environment environment{{"WORLD_SIZE", world.toStdString()}, {"MASTER_ADDR", "127.0.0.1"},
                                {"MASTER_PORT", port.toStdString()}};
        if (!rank.isEmpty())
            environment["RANK"] = rank.toStdString();
        try {
            placeIn(environment);
            QFAIL("accepted");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).contains(expected), error.what());
        }
    }

    void workersShareEveryBatchWithoutGapsOrOverlap()
    {
        for (const int64_t samples : {2400, 101, 67, 35}) {
            for (const int workers : {1, 2, 3}) {
                const auto ranges = batchRanges(samples, 16, workers);
                int64_t next = 0;
                for (const auto& range : ranges) {
                    QCOMPARE(range.first, next);
                    for (int rank = 0; rank < workers; ++rank) {
                        WorkerPlace place;
                        place.rank = rank;
                        place.worldSize = workers;
                        const auto [begin, end] = workerShare(range, place);
                        QCOMPARE(begin, next);
                        QVERIFY2(end - begin >= 2, "a worker's share would fail a batch norm");
                        // A trailing batch too small to share joins the last full one.
                        QVERIFY(end - begin <= 16 + 2);
                        next = end;
                    }
                }
                QCOMPARE(next, samples);
            }
        }
    }

    // Two workers taking 16 samples each from every step train the same
    // weights as one process taking the 32 samples together.
    void twoWorkersMatchOneProcessOnTheirCombinedBatches()
    {
        SKIP_WITHOUT_GLOO();
        QTemporaryDir dir;
        const QString pair = spiralProject(dir, "pair.lepton", 16, 3);
        const QString single = spiralProject(dir, "single.lepton", 32, 3);
        const CliResult workers = runCli({"train", pair, "--nproc", "2", "--json"});
        QVERIFY2(workers.exitCode == 0, qPrintable(workers.err));
        const CliResult one = runCli({"train", single, "--json"});
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        QCOMPARE(summaryOf(workers)["workers"].toInt(), 2);
        QCOMPARE(summaryOf(one)["workers"].toInt(), 1);
        QVERIFY(workers.err.contains("training on cpu with 2 workers"));
        QVERIFY2(workers.err.contains("the workers exchange through Gloo"), qPrintable(workers.err)); // on the CPU

        const Checkpoint fromWorkers = readCheckpoint((pair + ".d/last.ckpt").toStdString());
        const Checkpoint fromOne = readCheckpoint((single + ".d/last.ckpt").toStdString());
        QCOMPARE(fromWorkers.weights.size(), fromOne.weights.size());
        for (size_t i = 0; i < fromOne.weights.size(); ++i) {
            const auto& [name, expected] = fromOne.weights[i];
            QCOMPARE(fromWorkers.weights[i].first, name);
            const double difference = (fromWorkers.weights[i].second - expected).abs().max().item<double>();
            QVERIFY2(difference < 1e-4, qPrintable(QString("%1 differs by %2").arg(QString::fromStdString(name))
                                                       .arg(difference)));
        }
        // Weights that moved: the comparison is not of two untrained networks.
        QVERIFY(summaryOf(one)["train_loss"].toDouble() < 1.0);
        QCOMPARE(summaryOf(workers)["validation_accuracy"].toDouble(),
                 summaryOf(one)["validation_accuracy"].toDouble());
        QVERIFY(std::abs(summaryOf(workers)["train_loss"].toDouble() - summaryOf(one)["train_loss"].toDouble())
                < 1e-5);
    }

    // torchrun's classic multi-machine form (static rendezvous, its agent
    // serving the store) on one machine: the CLI runs unchanged under it.
    void runsUnderTorchrun()
    {
        SKIP_WITHOUT_GLOO();
        const QString torchrun = QStandardPaths::findExecutable("torchrun");
        if (torchrun.isEmpty())
            QSKIP("torchrun (python3-torch) is not installed");
        QTemporaryDir dir;
        const QString project = spiralProject(dir, "pair.lepton", 16, 2);
        QProcess launcher;
        // --redirects/--tee 1: Debian's torchrun fails on its default of 0 under Python 3.11.
        launcher.start(torchrun, {"--nnodes", "1", "--node_rank", "0", "--nproc_per_node", "2", "--master_addr",
                                  "127.0.0.1", "--master_port", QString::number(freeLoopbackPort()), "--redirects",
                                  "1", "--tee", "1", "--no_python", QStringLiteral(LEPTON_CLI), "train", project});
        QVERIFY(launcher.waitForFinished(5 * 60 * 1000));
        const QString output = QString::fromUtf8(launcher.readAllStandardOutput() + launcher.readAllStandardError());
        QVERIFY2(launcher.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains("finished: 2 epochs") && output.contains("with 2 workers"), qPrintable(output));
    }

    // Ctrl+C reaches the launcher; the workers stop at the same batch, rank 0
    // keeps the checkpoint, and the group resumes from it.
    void interruptedWorkersStopTogetherAndResume()
    {
        SKIP_WITHOUT_GLOO();
        QTemporaryDir dir;
        const QString project = spiralProject(dir, "pair.lepton", 16, 400);
        QProcess launcher;
        launcher.start(QStringLiteral(LEPTON_CLI), {"train", project, "--nproc", "2"});
        QVERIFY(launcher.waitForStarted());
        QByteArray progress;
        while (!progress.contains("epoch 2/400") && launcher.state() == QProcess::Running
               && launcher.waitForReadyRead(60 * 1000))
            progress += launcher.readAllStandardOutput();
        QVERIFY2(progress.contains("epoch 2/400"), progress.constData());
        ::kill(static_cast<pid_t>(launcher.processId()), SIGINT);
        QVERIFY(launcher.waitForFinished(60 * 1000));
        const QString errors = QString::fromUtf8(launcher.readAllStandardError());
        QVERIFY2(launcher.exitCode() == 130, qPrintable(errors));
        QVERIFY2(errors.contains("--resume, with the same workers"), qPrintable(errors));
        QVERIFY2(!errors.contains("worker 1:"), qPrintable(errors)); // it stopped cleanly, too

        const QRegularExpressionMatch kept = QRegularExpression("checkpoint after epoch (\\d+)").match(errors);
        QVERIFY2(kept.hasMatch(), qPrintable(errors));
        const int done = kept.captured(1).toInt();
        const CliResult alone = runCli({"train", project, "--resume"}); // the batches were shared by two
        QCOMPARE(alone.exitCode, 1);
        QVERIFY2(alone.err.contains("was written by a run of 2 worker(s); resume it with as many, not 1"),
                 qPrintable(alone.err));
        const QString epochs = QString::number(done + 2);
        const CliResult resumed = runCli({"train", project, "--nproc", "2", "--resume", "--epochs", epochs, "--json"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QCOMPARE(summaryOf(resumed)["epochs"].toInt(), done + 2);
        QCOMPARE(summaryOf(resumed)["resumed_after"].toInt(), done);
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"
