#include "graph/layerregistry.h"
#include "train/checkpoint.h"

#include "common/traintestutil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace lepton;

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
