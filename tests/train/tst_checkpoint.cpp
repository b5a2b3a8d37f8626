#include "graph/layerregistry.h"
#include "train/checkpoint.h"
#include "train/checkpointretention.h"

#include "common/traintestutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

using namespace lepton;
using namespace lepton::testing;

namespace {

// input [4] -> fc1 Linear(hidden) -> relu -> fc2 Linear(3) -> out
Graph network(int64_t hidden)
{
    return testing::chain({{"Input", "input", {{"shape", {4}}}},
                           {"Linear", "fc1", {{"out_features", hidden}}},
                           {"ReLU", "relu"},
                           {"Linear", "fc2", {{"out_features", 3}}},
                           {"Output", "out"}});
}

// The epochs whose epoch-NNNN.ckpt is in `folder`, ascending.
std::vector<int> epochFiles(const std::string& folder)
{
    std::vector<int> epochs;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("epoch-", 0) == 0)
            epochs.push_back(std::stoi(name.substr(6)));
    }
    std::sort(epochs.begin(), epochs.end());
    return epochs;
}

// Stands in for a checkpoint writer: the epoch file exists, then drops go.
void saveEpoch(CheckpointRetention& retention, int epoch, std::optional<double> metric)
{
    retention.record(epoch, metric);
    std::ofstream(retention.epochPath(epoch)) << epoch;
    retention.removeDropped();
}

Checkpoint checkpointOf(GraphModule& model)
{
    torch::optim::Adam optimizer(model->parameters());
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(1);
    return makeCheckpoint(model, optimizer, generator, {{"epochs_done", 1}});
}

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writtenAndReadBack()
    {
        torch::manual_seed(1);
        GraphModule model(network(8), LayerRegistry::builtin());
        QTemporaryDir dir;
        const std::string path = dir.filePath("run/last.ckpt").toStdString();
        writeCheckpoint(checkpointOf(model), path);
        QVERIFY(QDir(dir.filePath("run")).entryList(QDir::Files) == QStringList{"last.ckpt"}); // no temporary left
        const Checkpoint read = readCheckpoint(path);
        QCOMPARE(read.state.at("epochs_done").get<int>(), 1);
        QCOMPARE(read.weights.size(), size_t(4));

        torch::manual_seed(2); // other initial weights
        GraphModule copy(network(8), LayerRegistry::builtin());
        const WeightsReport report = loadWeights(copy, network(8), read);
        QVERIFY(report.complete());
        QCOMPARE(QString::fromStdString(report.summary()), QStringLiteral("loaded 2 layers"));
        const torch::Tensor input = torch::rand({5, 4});
        QVERIFY(torch::equal(copy->forward(input), model->forward(input)));
    }

    // An edited graph takes what still fits, layer by layer.
    void editedGraphTakesWhatFits()
    {
        GraphModule trained(network(8), LayerRegistry::builtin());
        const Checkpoint checkpoint = checkpointOf(trained);
        Graph edited = network(16); // fc1 wider, so fc2's inputs differ too
        GraphModule model(edited, LayerRegistry::builtin());
        const WeightsReport report = loadWeights(model, edited, checkpoint);
        QVERIFY(!report.complete());
        QCOMPARE(report.layers.size(), size_t(2));
        QCOMPARE(report.layers[0].name, std::string("fc1"));
        QVERIFY(report.layers[0].result == LayerLoad::Result::Initialized);
        QCOMPARE(QString::fromStdString(report.summary()),
                 QStringLiteral("loaded 0 layers, 2 newly initialized (fc1: weight is [8, 4] in the file, [16, 4] "
                                "now; fc2: weight is [3, 8] in the file, [3, 16] now)"));

        // fc1 replaced by a new layer of the same size: fc1's tensors are
        // skipped, the new layer starts fresh, fc2 (same id and shapes) loads.
        Graph rewired = network(8);
        const NodeId fc1 = rewired.nodeByName("fc1")->id;
        rewired.removeNode(fc1);
        Node replacement = LayerRegistry::builtin().makeNode("Linear", rewired);
        replacement.name = "fc1b";
        replacement.params["out_features"] = 8;
        const NodeId added = rewired.addNode(replacement);
        rewired.addEdge({rewired.nodeByName("input")->id, 0, added, 0});
        rewired.addEdge({added, 0, rewired.nodeByName("relu")->id, 0});
        GraphModule other(rewired, LayerRegistry::builtin());
        const WeightsReport partly = loadWeights(other, rewired, checkpoint);
        QCOMPARE(QString::fromStdString(partly.summary()),
                 QStringLiteral("loaded 1 layer, 1 newly initialized (fc1b: weight is not in the file), "
                                "2 tensors skipped (n2.bias: no such layer, ...)"));
        QVERIFY(torch::equal(other->layerModule(rewired.nodeByName("fc2")->id)->named_parameters()["weight"],
                             trained->layerModule(rewired.nodeByName("fc2")->id)->named_parameters()["weight"]));
    }

    void retentionKeepsTheLatestAndTheBest()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        CheckpointRetention retention(folder, 2, 2, false); // lower is better
        const std::vector<std::optional<double>> losses = {0.9, 0.5, 0.7, 0.4, 0.8, std::nullopt, 0.85};
        for (size_t i = 0; i < losses.size(); ++i)
            saveEpoch(retention, int(i) + 1, losses[i]);
        // The latest two (6 without a metric, 7), the best two (4 at 0.4, 2 at 0.5).
        QCOMPARE(epochFiles(folder), (std::vector<int>{2, 4, 6, 7}));
        QCOMPARE(QString::fromStdString(retention.epochPath(7)), dir.filePath("epoch-0007.ckpt"));

        CheckpointRetention higher(dir.filePath("accuracy").toStdString(), 1, 2, true);
        QVERIFY(higher.keepsEpochFiles());
        std::filesystem::create_directory(dir.filePath("accuracy").toStdString());
        for (int epoch = 1; epoch <= 5; ++epoch)
            saveEpoch(higher, epoch, 0.1 * (epoch % 3)); // 0.1 0.2 0 0.1 0.2
        QCOMPARE(epochFiles(dir.filePath("accuracy").toStdString()), (std::vector<int>{2, 5}));
        QVERIFY(!CheckpointRetention(folder, 1, 1, false).keepsEpochFiles());

        // An epoch whose metric is not a number is never among the best.
        const std::string nan = dir.filePath("nan").toStdString();
        std::filesystem::create_directory(nan);
        CheckpointRetention withNaN(nan, 1, 2, false);
        const double notANumber = std::numeric_limits<double>::quiet_NaN();
        int epoch = 0;
        for (const double loss : {0.5, notANumber, 0.7, notANumber, 0.9})
            saveEpoch(withNaN, ++epoch, loss);
        QCOMPARE(epochFiles(nan), (std::vector<int>{1, 3, 5}));
    }

    // A resumed run trains the epoch it stopped within again: that epoch and
    // any later one the list still names are replaced, not kept twice.
    void retentionResumesFromItsState()
    {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        CheckpointRetention first(folder, 3, 1, false);
        for (int epoch = 1; epoch <= 4; ++epoch)
            saveEpoch(first, epoch, 1.0 / epoch);
        CheckpointRetention resumed(folder, 3, 1, false);
        resumed.restore(first.state());
        QCOMPARE(resumed.state(), first.state());
        saveEpoch(resumed, 4, 0.3);
        saveEpoch(resumed, 5, 0.1);
        QCOMPARE(epochFiles(folder), (std::vector<int>{3, 4, 5}));
        QCOMPARE(resumed.state().size(), size_t(3));
        QCOMPARE(resumed.state()[1].at("metric").get<double>(), 0.3);
    }

    // A real run keeps its last two epochs and its best; last.ckpt and
    // best.ckpt are those same files, and the next fresh run clears them.
    void runKeepsTheEpochCheckpointsItIsAskedTo()
    {
        QTemporaryDir dir;
        TrainingJob job = spiralJob(5);
        job.dataset.params["samples"] = 600;
        job.config.keepLastCheckpoints = 2;
        job.checkpointDir = dir.filePath("run.lepton.d").toStdString();
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());

        const std::string folder = job.checkpointDir;
        const int best = readCheckpoint(bestCheckpointPath(folder)).state.at("epochs_done").get<int>();
        std::vector<int> expected = {4, 5};
        if (best < 4)
            expected.insert(expected.begin(), best);
        QCOMPARE(epochFiles(folder), expected);
        CheckpointRetention retention(folder, 2, 1, false);
        QVERIFY(std::filesystem::equivalent(lastCheckpointPath(folder), retention.epochPath(5)));
        QVERIFY(std::filesystem::equivalent(bestCheckpointPath(folder), retention.epochPath(best)));
        QCOMPARE(readCheckpoint(retention.epochPath(4)).state.at("epochs_done").get<int>(), 4);

        job.config.keepLastCheckpoints = 1;
        const std::vector<TrainingEvent> again = run(job);
        QVERIFY2(endsOnce(again, TrainerState::Finished), again.back().message.c_str());
        QVERIFY(epochFiles(folder).empty());
        QVERIFY(std::filesystem::exists(lastCheckpointPath(folder)));
    }

    // Resumed with smaller numbers to keep, the run drops the epoch files the
    // new numbers no longer keep; best.ckpt stays the best epoch's file.
    void resumedRunKeepsWhatItIsNowAskedTo()
    {
        QTemporaryDir dir;
        TrainingJob job = spiralJob(4);
        job.dataset.params["samples"] = 600;
        job.config.keepLastCheckpoints = 3;
        job.config.keepBestCheckpoints = 2;
        job.checkpointDir = dir.filePath("run.lepton.d").toStdString();
        const std::vector<TrainingEvent> first = run(job);
        QVERIFY2(endsOnce(first, TrainerState::Finished), first.back().message.c_str());
        QVERIFY(epochFiles(job.checkpointDir).size() >= 3);

        job.config.epochs = 6;
        job.config.keepLastCheckpoints = 1;
        job.config.keepBestCheckpoints = 1;
        job.resume = true;
        const std::vector<TrainingEvent> resumed = run(job);
        QVERIFY2(endsOnce(resumed, TrainerState::Finished), resumed.back().message.c_str());
        const std::string folder = job.checkpointDir;
        const int best = readCheckpoint(bestCheckpointPath(folder)).state.at("epochs_done").get<int>();
        const std::vector<int> left = epochFiles(folder);
        QVERIFY2(left.empty() || left == std::vector<int>{best}, std::to_string(left.size()).c_str());
        QCOMPARE(readCheckpoint(lastCheckpointPath(folder)).state.at("epochs_done").get<int>(), 6);
    }

    void unreadableFilesAreNamed()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("nothing.ckpt").toStdString();
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, readCheckpoint(missing));
        const QString garbage = dir.filePath("garbage.ckpt");
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a checkpoint at all");
        file.close();
        try {
            readCheckpoint(garbage.toStdString());
            QFAIL("no error");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString::fromUtf8(error.what()).startsWith(garbage + ": not a readable checkpoint"), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
