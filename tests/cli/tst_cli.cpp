// Runs the real `lepton` executable on the example projects and on broken ones.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "common/clitestutil.h"

#include <functional>

#include <csignal>
#include <sys/types.h>

namespace {

// A small table with a numeric, a categorical and a missing value whose
// class follows from the first column.
QString writeTable(const QTemporaryDir& dir)
{
    const QString path = dir.filePath("plants.csv");
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return path;
    file.write("height;colour;kind\n");
    for (int i = 0; i < 120; ++i) {
        const QString height = i == 7 ? QStringLiteral("NA") : QString::number(i % 2 ? 30 + i % 7 : 5 + i % 5);
        file.write(QString("%1;%2;%3\n").arg(height, i % 3 ? "green" : "red", i % 2 ? "tree" : "herb").toUtf8());
    }
    return path;
}

QString writeSpec(const QTemporaryDir& dir, const char* json)
{
    static int count = 0;
    const QString path = dir.filePath(QStringLiteral("spec-%1.json").arg(++count));
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(json);
    return path;
}

} // namespace

class CliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void inspectListsLayersAndParameterCounts_data()
    {
        QTest::addColumn<QString>("project");
        QTest::addColumn<QStringList>("expectedFragments");
        // Parameter totals computed by hand: weights + biases of each layer.
        QTest::newRow("spiral-mlp") << exampleProject("spiral-mlp")
                                    << QStringList{"fc1", "[64]", "residual", "[3]",
                                                   "4,547 parameters"};
        QTest::newRow("fashion-mnist-cnn")
            << exampleProject("fashion-mnist-cnn")
            << QStringList{"conv1", "[32, 28, 28]", "[64, 7, 7]", "[3136]", "401,536",
                           "421,834 parameters",
                           // conv1 32*28*28*9 + conv2 64*14*14*32*9 + 3136*128 + 128*10
                           "4,241,152 multiply-adds per sample", "training memory at batch 32"};
    }

    void inspectListsLayersAndParameterCounts()
    {
        QFETCH(QString, project);
        QFETCH(QStringList, expectedFragments);
        const CliResult result = runCli({"inspect", project});
        QCOMPARE(result.exitCode, 0);
        for (const QString& fragment : expectedFragments)
            QVERIFY2(result.out.contains(fragment), qPrintable(fragment + " missing in:\n" + result.out));
    }

    void layersListsEveryTypeWithPortsAndHelp()
    {
        const CliResult result = runCli({"layers", "--json"});
        QCOMPARE(result.exitCode, 0);
        const QJsonArray layers = QJsonDocument::fromJson(result.out.toUtf8()).array();
        QVERIFY(layers.size() >= 40);
        QJsonObject lstm;
        for (const QJsonValue& value : layers) {
            const QJsonObject layer = value.toObject();
            QVERIFY2(!layer["help"].toString().isEmpty(), qPrintable(layer["type"].toString()));
            for (const QJsonValue& param : layer["params"].toArray())
                QVERIFY(!param.toObject()["help"].toString().isEmpty());
            if (layer["type"] == "LSTM")
                lstm = layer;
        }
        QCOMPARE(lstm["outputs"].toArray(), (QJsonArray{"sequence", "final"}));
        QCOMPARE(lstm["category"].toString(), QString("Recurrent"));

        const CliResult readable = runCli({"layers"});
        QCOMPARE(readable.exitCode, 0);
        QVERIFY(readable.out.contains(QString("%1 layer types").arg(layers.size())));
        QVERIFY(readable.out.contains("in: query, key, value  out: out, weights"));
    }

    void trainPrintsEpochsAndJsonSummary()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "spiral.lepton", [](QJsonObject&) {});
        const CliResult result = runCli({"train", project, "--epochs", "3", "--json"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QCOMPARE(result.err.count(QRegularExpression("^epoch \\d+/3 ", QRegularExpression::MultilineOption)), 3);

        const QJsonObject summary = QJsonDocument::fromJson(result.out.toUtf8()).object();
        QCOMPARE(summary["state"].toString(), QStringLiteral("finished"));
        QCOMPARE(summary["epochs"].toInt(), 3);
        for (const char* key : {"train_loss", "train_accuracy", "validation_loss",
                                "validation_accuracy", "test_loss", "test_accuracy",
                                "samples_per_second", "seconds"})
            QVERIFY2(summary[key].isDouble(), key);
        QVERIFY(summary["validation_accuracy"].toDouble() > 0.34); // better than chance after 3 epochs
        QVERIFY(summary["samples_per_second"].toDouble() > 0);
        QCOMPARE(summary["checkpoint"].toString(), project + ".d/last.ckpt");
        QVERIFY(QFile::exists(project + ".d/last.ckpt"));
        QVERIFY(QFile::exists(project + ".d/best.ckpt"));
    }

    // An edited network starts from an earlier run's weights where they fit.
    void trainStartsFromEarlierWeights()
    {
        QTemporaryDir dir;
        const QString base = writeVariant(dir, "base.lepton", [](QJsonObject&) {});
        QVERIFY(runCli({"train", base, "--epochs", "1"}).exitCode == 0);
        const QString fourClasses = writeVariant(dir, "four.lepton", [](QJsonObject& project) {
            setValue(project, {"dataset", "params", "classes"}, 4);
            QJsonObject graph = project["graph"].toObject();
            QJsonArray nodes = graph["nodes"].toArray();
            for (int i = 0; i < nodes.size(); ++i) {
                if (nodes[i].toObject()["name"].toString() == QLatin1String("classifier"))
                    setNodeParams(project, i, {{"out_features", 4}, {"bias", true}});
            }
        });
        const CliResult result =
            runCli({"train", fourClasses, "--epochs", "1", "--weights", base + ".d/last.ckpt", "--json"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.err.contains(QStringLiteral("weights from %1.d/last.ckpt: loaded 2 layers, 1 newly initialized "
                                                    "(classifier: weight is [3, 64] in the file, [4, 64] now)")
                                         .arg(base)),
                 qPrintable(result.err));
    }

    // On a terminal (a pseudo-terminal from script(1) here) a live bar with the
    // time left is redrawn in place; into a pipe only the epoch lines go.
    void trainShowsALiveBarOnlyOnATerminal()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "bar.lepton", [](QJsonObject& project) {
            setValue(project, {"dataset", "params", "samples"}, 20000);
            setValue(project, {"training", "batch_size"}, 16);
            setValue(project, {"training", "epochs"}, 2);
        });
        QProcess terminal;
        terminal.start(QStringLiteral("script"), {"-qec", QStringLiteral("%1 train %2").arg(LEPTON_CLI, project), "/dev/null"});
        QVERIFY(terminal.waitForFinished(120000));
        QCOMPARE(terminal.exitCode(), 0);
        const QString shown = QString::fromUtf8(terminal.readAllStandardOutput());
        const QRegularExpression bar(QStringLiteral(
            "\r\\x1b\\[Kepoch 1/2 \\[#*\\.*\\] \\d+/1000  \\d+ samples/s  (-|\\d+:\\d\\d) left  loss [0-9.e-]+  \\d+ MB"));
        QVERIFY2(shown.contains(bar), qPrintable(shown.left(400)));
        QVERIFY2(shown.contains(QStringLiteral("\r\x1b[Kepoch 2/2  loss ")), qPrintable(shown.right(400))); // the bar gives way to the line

        const CliResult piped = runCli({"train", project});
        QVERIFY(piped.out.contains(QStringLiteral("epoch 2/2  loss ")));
        QVERIFY2(!piped.out.contains(QLatin1Char('\r')) && !piped.out.contains(QStringLiteral(" left ")), qPrintable(piped.out));
    }

    // SIGUSR1 pauses a run before its next batch and a second one continues it.
    void pauseSignalHoldsTheRun()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "paused.lepton", [](QJsonObject& project) {
            setValue(project, {"training", "batch_size"}, 16);
            setValue(project, {"training", "epochs"}, 500);
        });
        QProcess process;
        process.start(QStringLiteral(LEPTON_CLI), {"train", project});
        QVERIFY(process.waitForStarted());
        QString progress;
        const auto waitFor = [&](const QString& text) {
            QElapsedTimer waited;
            waited.start();
            while (!progress.contains(text) && process.state() == QProcess::Running && waited.elapsed() < 60 * 1000) {
                process.waitForReadyRead(1000);
                progress += QString::fromUtf8(process.readAllStandardOutput());
            }
            return progress.contains(text);
        };
        const pid_t pid = static_cast<pid_t>(process.processId());
        QVERIFY2(waitFor("epoch 1/500"), qPrintable(progress));
        ::kill(pid, SIGUSR1);
        QVERIFY2(waitFor(QStringLiteral("paused; SIGUSR1 again continues (kill -USR1 %1), Ctrl+C stops").arg(pid)),
                 qPrintable(progress));
        progress.clear();
        process.waitForReadyRead(500);
        QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()), QString()); // no epoch goes by while paused
        ::kill(pid, SIGUSR1);
        QVERIFY2(waitFor("continuing"), qPrintable(progress));
        QVERIFY2(waitFor("epoch "), qPrintable(progress));
        ::kill(pid, SIGINT);
        QVERIFY(process.waitForFinished(60 * 1000));
        QCOMPARE(process.exitCode(), 130);
    }

    // A run stopped with Ctrl+C, resumed, killed with SIGKILL and resumed
    // again ends with the metrics of one never interrupted.
    void interruptedRunsResumeToTheSameResult()
    {
        QTemporaryDir dir;
        // Long enough that the signals land while it runs: 12 epochs of 32,000
        // samples in batches of 16.
        const auto slower = [](QJsonObject& project) {
            setValue(project, {"dataset", "params", "samples"}, 40000);
            setValue(project, {"training", "batch_size"}, 16);
            setValue(project, {"training", "epochs"}, 12);
            setValue(project, {"training", "schedule"}, "cosine");
        };
        const QString straight = writeVariant(dir, "straight.lepton", slower);
        const QString project = writeVariant(dir, "interrupted.lepton", slower);
        const CliResult whole = runCli({"train", straight, "--json"});
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.err));

        // --json sends the progress to stderr, where it is watched.
        const CliResult stopped = signalDuringRun({"train", project, "--json"}, QStringLiteral("epoch 1/12"), SIGINT);
        QVERIFY2(stopped.exitCode == 130, qPrintable(stopped.err));
        QVERIFY2(stopped.err.contains(QStringLiteral("continue with: lepton train %1 --resume").arg(project)),
                 qPrintable(stopped.err));
        const CliResult killed =
            signalDuringRun({"train", project, "--resume", "--json"}, QStringLiteral("epoch 3/12"), SIGKILL);
        QCOMPARE(killed.exitCode, -1); // a crash exit: it never saw the signal
        QVERIFY2(killed.err.contains(QStringLiteral("resuming after epoch")), qPrintable(killed.err));

        // Other settings than the checkpoint's are refused, not silently mixed.
        writeVariant(dir, "interrupted.lepton", [&](QJsonObject& edited) {
            slower(edited);
            setValue(edited, {"training", "batch_size"}, 32);
        });
        const CliResult changed = runCli({"train", project, "--resume"});
        QCOMPARE(changed.exitCode, 1);
        QVERIFY2(changed.err.contains(QStringLiteral("the training setting 'batch_size' changed since")),
                 qPrintable(changed.err));
        writeVariant(dir, "interrupted.lepton", slower);

        const CliResult resumed = runCli({"train", project, "--resume", "--json"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        const QJsonObject expected = QJsonDocument::fromJson(whole.out.toUtf8()).object();
        const QJsonObject actual = QJsonDocument::fromJson(resumed.out.toUtf8()).object();
        QVERIFY(actual["resumed_after"].toInt() >= 3);
        QCOMPARE(actual["epochs"].toInt(), 12);
        for (const char* key : {"train_loss", "train_accuracy", "validation_loss", "validation_accuracy", "test_loss",
                                "test_accuracy"})
            QCOMPARE(actual[key].toDouble(), expected[key].toDouble());

        const CliResult again = runCli({"train", project, "--resume"});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(QStringLiteral("has finished all 12 epochs")), qPrintable(again.err));
    }

    // SIGTERM and SIGHUP stop a run as Ctrl+C does, saying which came, and
    // exit with the shell's status for the signal; the checkpoint is kept.
    void terminateAndHangUpStopCleanly_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("SIGTERM") << int(SIGTERM) << 143 << "terminated (SIGTERM): stopping after the current batch";
        QTest::newRow("SIGHUP") << int(SIGHUP) << 129 << "hung up (SIGHUP): stopping after the current batch";
    }

    void terminateAndHangUpStopCleanly()
    {
        QFETCH(int, signal);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "long.lepton", [](QJsonObject& p) {
            setValue(p, {"dataset", "params", "samples"}, 40000);
            setValue(p, {"training", "batch_size"}, 16);
            setValue(p, {"training", "epochs"}, 50);
        });
        const CliResult stopped = signalDuringRun({"train", project, "--json"}, QStringLiteral("epoch 1/50"), signal);
        QVERIFY2(stopped.exitCode == exitCode, qPrintable(QString::number(stopped.exitCode) + "\n" + stopped.err));
        QVERIFY2(stopped.err.contains(message), qPrintable(stopped.err));
        QVERIFY2(stopped.err.contains(QStringLiteral("continue with: lepton train %1 --resume").arg(project)),
                 qPrintable(stopped.err));
    }

    // Every run lands in PROJECT.d/runs.sqlite; one killed with SIGKILL keeps
    // what it wrote before the kill and reads as interrupted afterwards.
    void runsSurviveAKilledTrainingProcess()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "killed.lepton", [](QJsonObject& project) {
            setValue(project, {"dataset", "params", "samples"}, 40000);
            setValue(project, {"training", "batch_size"}, 16);
            setValue(project, {"training", "epochs"}, 50);
        });
        QCOMPARE(runCli({"runs", project}).out, QStringLiteral("no runs recorded yet for %1; lepton train records every run\n").arg(project));
        QProcess process;
        process.start(QStringLiteral(LEPTON_CLI), {"train", project, "--json"});
        QVERIFY(process.waitForStarted());
        QString progress;
        QElapsedTimer waited;
        waited.start();
        while (!progress.contains("epoch 2/50") && process.state() == QProcess::Running && waited.elapsed() < 120000) {
            process.waitForReadyRead(1000);
            progress += QString::fromUtf8(process.readAllStandardError());
        }
        QVERIFY2(progress.contains(QStringLiteral("run 1, recorded in %1.d/runs.sqlite").arg(project)), qPrintable(progress));
        const CliResult alive = runCli({"runs", project, "--json"});
        QCOMPARE(QJsonDocument::fromJson(alive.out.toUtf8()).array()[0].toObject()["status"].toString(), "running");
        ::kill(pid_t(process.processId()), SIGKILL);
        QVERIFY(process.waitForFinished(60 * 1000));
        const int epochsSeen = int(progress.count(QRegularExpression("^epoch \\d+/50", QRegularExpression::MultilineOption)));

        const CliResult listed = runCli({"runs", project, "--json"});
        QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
        const QJsonObject run = QJsonDocument::fromJson(listed.out.toUtf8()).array()[0].toObject();
        QCOMPARE(run["id"].toInt(), 1);
        QCOMPARE(run["status"].toString(), "interrupted");
        QCOMPARE(run["source"].toString(), "cli");
        QVERIFY2(run["epochs"].toInt() >= epochsSeen, qPrintable(listed.out)); // every epoch printed was recorded
        QCOMPARE(run["settings"].toObject()["batch_size"].toInt(), 16);
        QVERIFY(run["best_validation_accuracy"].toDouble() > 0.0);
        QVERIFY(runCli({"runs", project}).out.contains(QRegularExpression("^1 +run 1 +interrupted ", QRegularExpression::MultilineOption)));

        const QString csvPath = dir.filePath("run1.csv");
        const CliResult exported = runCli({"runs", project, "--export", "1", "--csv", csvPath});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QVERIFY(rows.front().startsWith("level,epoch,batch,step,train_loss"));
        const int batchesPerEpoch = 32000 / 16;
        QVERIFY(rows.filter(QRegularExpression("^epoch,")).size() >= epochsSeen);
        QVERIFY(rows.filter(QRegularExpression("^batch,")).size() >= epochsSeen * batchesPerEpoch);
        // Steps run on across epochs: epoch 2's last batch is step 2 x batches per epoch.
        const QString lastOfEpoch2 = QStringLiteral("^batch,2,%1,%2,").arg(batchesPerEpoch).arg(2 * batchesPerEpoch);
        QVERIFY(!rows.filter(QRegularExpression(lastOfEpoch2)).isEmpty());

        const CliResult missing = runCli({"runs", project, "--export", "7", "--csv", csvPath});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("has no run 7"), qPrintable(missing.err));
    }

    // A small grid over the learning rate finds a better one than the
    // project's deliberately bad default; every trial is a tagged run.
    void sweepFindsABetterLearningRate()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "swept.lepton", [](QJsonObject& project) {
            setValue(project, {"training", "learning_rate"}, 1e-5);
            setValue(project, {"training", "epochs"}, 8);
        });
        const QString spec = dir.filePath("lr.json");
        {
            QFile file(spec);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(R"({"method": "grid", "metric": "validation_accuracy",
                           "parameters": {"learning_rate": {"values": [1e-5, 0.01]}}})");
        }
        const CliResult swept = runCli({"sweep", project, spec, "--parallel", "2", "--json"});
        QVERIFY2(swept.exitCode == 0, qPrintable(swept.err));
        const QJsonObject results = QJsonDocument::fromJson(swept.out.toUtf8()).object();
        QCOMPARE(results["metric"].toString(), "validation_accuracy");
        const QJsonArray trials = results["trials"].toArray();
        QCOMPARE(trials.size(), 2);
        const QJsonObject best = trials[0].toObject();
        const QJsonObject worst = trials[1].toObject();
        QCOMPARE(best["values"].toObject()["learning_rate"].toDouble(), 0.01);
        QVERIFY2(best["score"].toDouble() > worst["score"].toDouble() + 0.1, qPrintable(swept.out));
        QCOMPARE(worst["values"].toObject()["learning_rate"].toDouble(), 1e-5);
        QVERIFY(QFile::exists(project + ".d/sweeps/sweep-1/results.json"));

        const QJsonArray runs = QJsonDocument::fromJson(runCli({"runs", project, "--json"}).out.toUtf8()).array();
        QCOMPARE(runs.size(), 2);
        QStringList tags;
        for (const QJsonValue& run : runs) {
            tags << run.toObject()["tags"].toString();
            QCOMPARE(run.toObject()["status"].toString(), "finished");
        }
        tags.sort();
        QCOMPARE(tags, QStringList({"sweep 1, trial 1", "sweep 1, trial 2"}));

        // The override a sweep uses is there for single runs too, and checked.
        const CliResult bad = runCli({"train", project, "--set", "fc1.out_features=-3"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("'fc1.out_features' = -3: "), qPrintable(bad.err));
        const CliResult unknown = runCli({"sweep", project, writeSpec(dir, R"({"method": "grid", "parameters": {"fc9.units": {"values": [1]}}})")});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("trial 1: 'fc9.units': the graph has no layer named 'fc9'"), qPrintable(unknown.err));
        const CliResult range = runCli({"sweep", project, writeSpec(dir, R"({"parameters": {"learning_rate": {"min": 0.1, "max": 1}}})")});
        QCOMPARE(range.exitCode, 1);
        QVERIFY2(range.err.contains("sweep.parameters.learning_rate: a grid search takes lists of values, not ranges"),
                 qPrintable(range.err));
    }

    void devicesListsTheCpuAndEachGpu()
    {
        const CliResult result = runCli({"devices", "--json"});
        QCOMPARE(result.exitCode, 0);
        const QJsonArray devices = QJsonDocument::fromJson(result.out.toUtf8()).array();
        QVERIFY(!devices.isEmpty());
        QCOMPARE(devices.first()["name"].toString(), QStringLiteral("cpu"));
        QVERIFY(devices.first()["description"].toString().contains(QRegularExpression("^\\d+ cores, [\\d.]+ GiB$")));
        for (qsizetype i = 1; i < devices.size(); ++i)
            QVERIFY(devices[i]["name"].toString().startsWith(QStringLiteral("cuda:")));
    }

    void dataShowsHowAFileIsRead()
    {
        QTemporaryDir dir;
        const QString table = writeTable(dir);
        const CliResult readable = runCli({"data", table});
        QVERIFY2(readable.exitCode == 0, qPrintable(readable.err));
        QVERIFY2(readable.out.contains("CSV / TSV table"), qPrintable(readable.out));
        QVERIFY(readable.out.contains("119 samples"));
        QVERIFY(readable.out.contains("classification, 2 classes"));
        QVERIFY(readable.out.contains(QRegularExpression("height +numeric +119 +1 ")));
        QVERIFY(readable.out.contains("column 'height': 1 of 120 values missing"));

        const CliResult json = runCli({"data", table, "--json"});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        const QJsonObject report = QJsonDocument::fromJson(json.out.toUtf8()).object();
        QCOMPARE(report["source"].toString(), QStringLiteral("csv"));
        QCOMPARE(report["samples"].toInt(), 119);
        QCOMPARE(report["feature_shape"].toArray(), QJsonArray({3})); // height + one-hot colour
        const QJsonArray classes = report["profile"].toObject()["classes"].toArray();
        QCOMPARE(classes.size(), 2);
        QCOMPARE(classes[0].toObject()["count"].toInt() + classes[1].toObject()["count"].toInt(), 120);
    }

    void dataReadsAProjectsDataset()
    {
        const CliResult result = runCli({"data", exampleProject("spiral-mlp"), "--json"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        const QJsonObject report = QJsonDocument::fromJson(result.out.toUtf8()).object();
        QCOMPARE(report["source"].toString(), QStringLiteral("synthetic"));
        QCOMPARE(report["samples"].toInt(), 3000);
        QCOMPARE(report["test_samples"].toInt(), 600);
    }

    void newWritesATrainableProjectAroundData()
    {
        QTemporaryDir dir;
        writeTable(dir);
        const QString project = dir.filePath("plants.lepton");
        const CliResult created = runCli({"new", project, "--data", dir.filePath("plants.csv"),
                                          "--target", "kind"});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        QVERIFY(created.out.contains("for [3] samples, 2 classes"));
        const QJsonObject saved = readJson(project);
        // Inside the project's folder, the data is found relative to it.
        QCOMPARE(saved["dataset"]["params"]["path"].toString(), QStringLiteral("plants.csv"));
        QCOMPARE(saved["dataset"]["params"]["target"].toString(), QStringLiteral("kind"));

        const CliResult trained = runCli({"train", project, "--epochs", "40", "--json"});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.err));
        const QJsonObject summary = QJsonDocument::fromJson(trained.out.toUtf8()).object();
        QVERIFY2(summary["validation_accuracy"].toDouble() > 0.9, qPrintable(trained.out));

        const CliResult again = runCli({"new", project, "--data", dir.filePath("plants.csv")});
        QVERIFY(again.exitCode != 0);
        QVERIFY2(again.err.contains("already exists; pass --force"), qPrintable(again.err));
    }

    void newFitsATemplateToTheData()
    {
        QTemporaryDir dir;
        writeTable(dir);
        const QString project = dir.filePath("mlp.lepton");
        const CliResult created = runCli({"new", project, "--data", dir.filePath("plants.csv"),
                                          "--template", "mlp"});
        QVERIFY2(created.exitCode == 0, qPrintable(created.err));
        const CliResult inspected = runCli({"inspect", project});
        QVERIFY2(inspected.exitCode == 0, qPrintable(inspected.err));

        const CliResult image = runCli({"new", dir.filePath("lenet.lepton"), "--data",
                                        dir.filePath("plants.csv"), "--template", "lenet5"});
        QVERIFY(image.exitCode != 0);
        QVERIFY2(image.err.contains("does not fit the data"), qPrintable(image.err));
    }

    void errorsExitNonZeroWithAClearMessage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expectedMessage");

        static QTemporaryDir dir;
        const QString unknownLayer = writeVariant(dir, "unknown-layer.lepton", [](QJsonObject& p) {
            QJsonObject graph = p["graph"].toObject();
            QJsonArray nodes = graph["nodes"].toArray();
            QJsonObject node = nodes[1].toObject();
            node["type"] = "Linaer";
            nodes[1] = node;
            graph["nodes"] = nodes;
            p["graph"] = graph;
        });
        const QString shapeMismatch = writeVariant(dir, "mismatch.lepton", [](QJsonObject& p) {
            setNodeParams(p, 1, {{"in_features", 5}, {"out_features", 64}, {"bias", true}});
        });

        QTest::newRow("missing file") << QStringList{"train", dir.filePath("nope.lepton")} << "nope.lepton";
        QTest::newRow("unknown layer") << QStringList{"train", unknownLayer} << "graph.nodes[1].type";
        QTest::newRow("shape mismatch, train")
            << QStringList{"train", shapeMismatch} << "Linear 'fc1' expects 5 input features, got 2";
        QTest::newRow("shape mismatch, inspect")
            << QStringList{"inspect", shapeMismatch} << "Linear 'fc1' expects 5 input features, got 2";
        QTest::newRow("zero epochs") << QStringList{"train", exampleProject("spiral-mlp"), "--epochs", "0"}
                                     << "--epochs";
        QTest::newRow("unknown command") << QStringList{"fly"} << "fly";
        const QString missingData = writeVariant(dir, "missing-data.lepton", [](QJsonObject& p) {
            p["dataset"] = QJsonObject{{"source", "idx"},
                                       {"params", QJsonObject{{"train_images", "gone-images.gz"},
                                                              {"train_labels", "gone-labels.gz"}}}};
        });
        QTest::newRow("missing data, inspect")
            << QStringList{"inspect", missingData}
            << "problem: dataset.params.train_images: " + dir.filePath("gone-images.gz") + ": no such file";
        QTest::newRow("data nobody reads") << QStringList{"data", LEPTON_SOURCE_DIR "/README.md"}
                                           << "README.md: no data source reads this";
        QTest::newRow("target without columns")
            << QStringList{"data", "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "--target", "x"}
            << "has no columns to choose from";
        QTest::newRow("export before training")
            << QStringList{"export", writeVariant(dir, "untrained.lepton", [](QJsonObject&) {})}
            << "no such checkpoint; train the project first";
        // A trained network with a layer ONNX cannot express: the other formats work, ONNX names it.
        const QString adaptivePath = writeExample(dir, "adaptive.lepton", "shapes-cnn", [](QJsonObject& adaptive) {
            setValue(adaptive, {"dataset", "params", "folder"}, LEPTON_SOURCE_DIR "/projects/data/shapes");
            setValue(adaptive, {"training", "epochs"}, 1);
            QJsonObject graph = adaptive["graph"].toObject();
            QJsonArray nodes = graph["nodes"].toArray();
            QJsonObject pool = nodes[4].toObject(); // the first MaxPool2d
            pool["type"] = "AdaptiveAvgPool2d";
            pool["name"] = "squeeze";
            pool["params"] = QJsonObject{{"output_size", QJsonArray{5, 5}}};
            nodes[4] = pool;
            graph["nodes"] = nodes;
            adaptive["graph"] = graph;
        });
        runCli({"train", adaptivePath});
        QTest::newRow("layer without an ONNX form")
            << QStringList{"export", adaptivePath, "--format", "onnx", "--out", dir.filePath("adaptive-export")}
            << "AdaptiveAvgPool2d 'squeeze' has no ONNX form: ONNX pools over fixed windows, and 32x32 does not "
               "divide evenly into 5x5";
        QTest::newRow("unknown export format")
            << QStringList{"export", exampleProject("spiral-mlp"), "--format", "onx"}
            << "unknown export format 'onx'";
        QTest::newRow("unknown template")
            << QStringList{"new", dir.filePath("t.lepton"), "--data", writeTable(dir), "--template", "nope"}
            << "no template named 'nope' (expected one of";
    }

    void errorsExitNonZeroWithAClearMessage()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expectedMessage);
        const CliResult result = runCli(arguments);
        QVERIFY(result.exitCode != 0);
        QVERIFY2(result.err.contains(expectedMessage),
                 qPrintable("expected '" + expectedMessage + "' in:\n" + result.err));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
