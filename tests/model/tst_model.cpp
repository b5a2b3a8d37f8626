#include "graph/layerregistry.h"
#include "model/graphmodule.h"
#include "model/layerbuilder.h"
#include "model/modelsummary.h"

#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace lepton;

namespace {

// Builds graphs node by node on the built-in registry.
class Net {
public:
    NodeId add(const std::string& type, const std::string& name,
               const nlohmann::json& params = nlohmann::json::object())
    {
        Node node = LayerRegistry::builtin().makeNode(type, graph);
        node.name = name;
        node.params.update(params);
        return graph.addNode(node);
    }
    void connect(NodeId from, NodeId to, int toPort = 0) { graph.addEdge({from, 0, to, toPort}); }
    // Connects the nodes one after another.
    void chain(const std::vector<NodeId>& ids)
    {
        for (size_t i = 1; i < ids.size(); ++i)
            connect(ids[i - 1], ids[i]);
    }

    Graph graph;
};

// in -> fc1 -> relu -> fc2 -> add(relu, fc2) -> concat(add, fc1) -> head -> out
Graph residualMlp()
{
    Net net;
    NodeId in = net.add("Input", "input", {{"shape", {8}}});
    NodeId fc1 = net.add("Linear", "fc1", {{"out_features", 16}});
    NodeId relu = net.add("ReLU", "relu");
    NodeId fc2 = net.add("Linear", "fc2", {{"out_features", 16}});
    NodeId add = net.add("Add", "add");
    NodeId cat = net.add("Concat", "cat", {{"dim", -1}});
    NodeId head = net.add("Linear", "head", {{"out_features", 3}});
    NodeId out = net.add("Output", "out");
    net.chain({in, fc1, relu, fc2});
    net.connect(relu, add, 0);
    net.connect(fc2, add, 1);
    net.connect(add, cat, 0);
    net.connect(fc1, cat, 1);
    net.chain({cat, head, out});
    return net.graph;
}

// Two convolution branches joined along the channels, then a dense head.
Graph branchedCnn()
{
    Net net;
    NodeId in = net.add("Input", "input", {{"shape", {1, 8, 8}}});
    NodeId conv = net.add("Conv2d", "conv", {{"out_channels", 4}, {"padding", 1}});
    NodeId bn = net.add("BatchNorm2d", "bn");
    NodeId gelu = net.add("GELU", "gelu");
    NodeId maxPool = net.add("MaxPool2d", "maxpool");
    NodeId avgPool = net.add("AvgPool2d", "avgpool");
    NodeId cat = net.add("Concat", "cat", {{"dim", 0}});
    NodeId flat = net.add("Flatten", "flat");
    NodeId drop = net.add("Dropout", "drop", {{"p", 0.25}});
    NodeId bn1 = net.add("BatchNorm1d", "bn1");
    NodeId fc = net.add("Linear", "fc", {{"out_features", 5}});
    NodeId tanh = net.add("Tanh", "tanh");
    NodeId sigmoid = net.add("Sigmoid", "sigmoid");
    NodeId softmax = net.add("Softmax", "softmax");
    NodeId out = net.add("Output", "out");
    net.chain({in, conv, bn, gelu, maxPool});
    net.connect(gelu, avgPool);
    net.connect(maxPool, cat, 0);
    net.connect(avgPool, cat, 1);
    net.chain({cat, flat, drop, bn1, fc, tanh, sigmoid, softmax, out});
    return net.graph;
}

Graph namedNetwork(const QString& name)
{
    return name == "cnn" ? branchedCnn() : residualMlp();
}

// A single layer between an Input of `shape` and the Output.
Graph singleLayer(const Shape& shape, const std::string& type, const nlohmann::json& params)
{
    Net net;
    net.chain({net.add("Input", "input", {{"shape", shape}}), net.add(type, "layer", params),
               net.add("Output", "out")});
    return net.graph;
}

std::string modelErrorOf(const Graph& graph)
{
    try {
        GraphModule model(graph, LayerRegistry::builtin());
    } catch (const ModelError& e) {
        return e.what();
    }
    return {};
}

std::vector<int64_t> sampleShape(const torch::Tensor& tensor)
{
    return std::vector<int64_t>(tensor.sizes().begin() + 1, tensor.sizes().end());
}

} // namespace

class TestModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyBuiltinLayerHasBuilder()
    {
        for (const LayerSpec& spec : LayerRegistry::builtin().specs())
            QVERIFY2(hasBuilder(spec.type), spec.type.c_str());
        QVERIFY(!hasBuilder("NoSuchLayer"));
    }

    void forwardAndBackward_data()
    {
        QTest::addColumn<QString>("network");
        QTest::addColumn<QString>("inputShape");
        QTest::addColumn<QString>("outputShape");
        QTest::newRow("residual add and concat") << "mlp" << "[8]" << "[3]";
        QTest::newRow("branched cnn") << "cnn" << "[1, 8, 8]" << "[5]";
    }

    void forwardAndBackward()
    {
        QFETCH(QString, network);
        QFETCH(QString, inputShape);
        QFETCH(QString, outputShape);
        torch::manual_seed(3);
        GraphModule model(namedNetwork(network), LayerRegistry::builtin());
        QCOMPARE(QString::fromStdString(shapeToString(model->inputShape())), inputShape);
        QCOMPARE(QString::fromStdString(shapeToString(model->outputShape())), outputShape);

        std::vector<int64_t> sizes{6};
        sizes.insert(sizes.end(), model->inputShape().begin(), model->inputShape().end());
        torch::Tensor output = model->forward(torch::randn(sizes));
        QCOMPARE(output.size(0), int64_t(6));
        QCOMPARE(QString::fromStdString(shapeToString(sampleShape(output))), outputShape);

        // Weights the loss depends on nonlinearly, so every gradient is nonzero.
        (output * torch::randn(output.sizes())).sum().backward();
        QVERIFY(!model->parameters().empty());
        for (const auto& item : model->named_parameters()) {
            QVERIFY2(item.value().grad().defined(), item.key().c_str());
            QVERIFY2(item.value().grad().abs().sum().item<double>() > 0.0, item.key().c_str());
        }
    }

    void parameterNamesUseNodeIds()
    {
        Graph graph = residualMlp();
        GraphModule model(graph, LayerRegistry::builtin());
        std::set<std::string> expected;
        for (const char* name : {"fc1", "fc2", "head"}) {
            const std::string prefix = "n" + std::to_string(graph.nodeByName(name)->id);
            expected.insert(prefix + ".weight");
            expected.insert(prefix + ".bias");
        }
        std::set<std::string> names;
        for (const auto& item : model->named_parameters())
            names.insert(item.key());
        QVERIFY(names == expected);
        QVERIFY(model->layerModule(graph.nodeByName("fc2")->id));
        QVERIFY(!model->layerModule(graph.nodeByName("relu")->id));
    }

    // Closing the window while a large network is built returns at once.
    void buildingStopsWhenAsked()
    {
        const std::atomic<bool> stop{true};
        QVERIFY_THROWS_EXCEPTION(BuildCancelled, GraphModule(residualMlp(), LayerRegistry::builtin(), &stop));
        const std::atomic<bool> goOn{false};
        GraphModule model(residualMlp(), LayerRegistry::builtin(), &goOn);
        QVERIFY(!model->parameters().empty());
    }

    // Channels-last keeps 4-d weights NHWC and gives the outputs of NCHW.
    void channelsLastComputesTheSame()
    {
        Net b;
        const NodeId input = b.add("Input", "input", {{"shape", {3, 8, 8}}});
        const NodeId conv = b.add("Conv2d", "conv", {{"out_channels", 4}, {"padding", 1}});
        const NodeId flatten = b.add("Flatten", "flatten");
        const NodeId head = b.add("Linear", "head", {{"out_features", 2}});
        const NodeId output = b.add("Output", "out");
        b.chain({input, conv, flatten, head, output});
        torch::manual_seed(3);
        GraphModule model(b.graph, LayerRegistry::builtin());
        model->eval();
        const torch::Tensor x = torch::randn({5, 3, 8, 8});
        const torch::Tensor expected = model->forward(x);
        model->useChannelsLast();
        const torch::Tensor weight = model->layerModule(conv)->named_parameters()["weight"];
        QVERIFY(weight.is_contiguous(torch::MemoryFormat::ChannelsLast));
        QVERIFY(torch::allclose(model->forward(x), expected, 1e-5, 1e-6));
    }

    void weightsSurviveEditsElsewhere()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("weights.pt").toStdString();
        Graph graph = residualMlp();
        torch::manual_seed(1);
        GraphModule original(graph, LayerRegistry::builtin());
        torch::save(original, path);

        // A Dropout spliced in between relu and fc2 adds a node but no weights.
        // Ids, not node pointers: addNode may move the nodes.
        const NodeId relu = graph.nodeByName("relu")->id;
        const NodeId fc2 = graph.nodeByName("fc2")->id;
        QVERIFY(graph.removeEdge({relu, 0, fc2, 0}));
        Node dropout = LayerRegistry::builtin().makeNode("Dropout", graph);
        NodeId dropoutId = graph.addNode(dropout);
        graph.addEdge({relu, 0, dropoutId, 0});
        graph.addEdge({dropoutId, 0, fc2, 0});

        torch::manual_seed(2);
        GraphModule edited(graph, LayerRegistry::builtin());
        torch::load(edited, path);
        original->eval();
        edited->eval();
        torch::Tensor x = torch::randn({4, 8});
        QVERIFY(torch::equal(original->forward(x), edited->forward(x)));
    }

    void saveAndLoadGiveIdenticalOutputs()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("cnn.pt").toStdString();
        torch::manual_seed(4);
        GraphModule trained(branchedCnn(), LayerRegistry::builtin());
        // A training-mode pass moves the BatchNorm running statistics off their defaults.
        trained->forward(torch::randn({16, 1, 8, 8}) * 3 + 1);
        torch::save(trained, path);

        torch::manual_seed(5);
        GraphModule fresh(branchedCnn(), LayerRegistry::builtin());
        trained->eval();
        fresh->eval();
        torch::Tensor x = torch::randn({3, 1, 8, 8});
        QVERIFY(!torch::allclose(trained->forward(x), fresh->forward(x)));
        torch::load(fresh, path);
        fresh->eval();
        QVERIFY(torch::equal(trained->forward(x), fresh->forward(x)));
    }

    void inferredInputSizes()
    {
        Net net;
        NodeId conv = net.add("Conv2d", "conv", {{"out_channels", 4}});
        NodeId fc = net.add("Linear", "fc", {{"out_features", 2}});
        net.chain({net.add("Input", "input", {{"shape", {3, 5, 5}}}), conv,
                   net.add("Flatten", "flat"), fc, net.add("Output", "out")});
        GraphModule model(net.graph, LayerRegistry::builtin());
        auto weightShape = [&](NodeId id) {
            return model->layerModule(id)->named_parameters()["weight"].sizes().vec();
        };
        QCOMPARE(weightShape(conv), (std::vector<int64_t>{4, 3, 3, 3}));
        QCOMPARE(weightShape(fc), (std::vector<int64_t>{2, 4 * 3 * 3}));
    }

    void dropoutFollowsTrainAndEval()
    {
        GraphModule model(singleLayer({1000}, "Dropout", {{"p", 0.5}}), LayerRegistry::builtin());
        torch::Tensor x = torch::ones({2, 1000});
        torch::Tensor dropped = model->forward(x);
        const int64_t zeros = dropped.eq(0).sum().item<int64_t>();
        QVERIFY(zeros > 0 && zeros < x.numel());
        QVERIFY(torch::equal(dropped.ne(0), dropped.eq(2))); // survivors scaled by 1 / (1 - p)
        model->eval();
        QVERIFY(torch::equal(model->forward(x), x));
    }

    void forwardRejectsWrongSampleShape()
    {
        GraphModule model(residualMlp(), LayerRegistry::builtin());
        try {
            model->forward(torch::zeros({2, 5}));
            QFAIL("forward accepted samples of the wrong shape");
        } catch (const ModelError& e) {
            QVERIFY2(std::string(e.what()).find("Input 'input' expects samples of shape [8]")
                         != std::string::npos,
                     e.what());
        }
    }

    void invalidGraphsThrow_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("lines");
        QTest::newRow("feature mismatch") << "mismatch" << "Linear 'fc2' expects 99" << 1;
        QTest::newRow("conv on flat input") << "conv" << "Conv2d 'conv'" << 1;
        QTest::newRow("unconnected input") << "unconnected" << "Linear 'fc2'" << 1;
        QTest::newRow("two inputs") << "twoInputs" << "exactly one Input layer, found 2" << 1;
        QTest::newRow("no output") << "noOutput" << "exactly one Output layer, found 0" << 1;
        QTest::newRow("every problem listed") << "several" << "Linear 'fc2'" << 4;
    }

    void invalidGraphsThrow()
    {
        QFETCH(QString, problem);
        QFETCH(QString, expected);
        QFETCH(int, lines);
        Net net;
        NodeId in = net.add("Input", "input", {{"shape", {4}}});
        NodeId fc1 = net.add("Linear", "fc1", {{"out_features", 8}});
        NodeId fc2 = net.add("Linear", "fc2", {{"in_features", problem == "mismatch" ? 99 : 0}});
        net.chain({in, fc1});
        if (problem != "unconnected")
            net.connect(fc1, fc2);
        if (problem == "conv")
            net.chain({fc2, net.add("Conv2d", "conv")});
        if (problem == "twoInputs")
            net.add("Input", "input2");
        if (problem == "several") {
            net.graph.removeEdge({fc1, 0, fc2, 0});
            net.add("Input", "input2");
            net.add("Output", "out2");
        }
        if (problem != "noOutput")
            net.connect(fc2, net.add("Output", "out"));

        const std::string message = modelErrorOf(net.graph);
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QCOMPARE(int(std::count(message.begin(), message.end(), '\n')) + 1, lines);
    }

    void summaryCountsParameters_data()
    {
        QTest::addColumn<QString>("inputShape");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("params");
        QTest::addColumn<QString>("outputShape");
        QTest::addColumn<qint64>("parameters");
        // Hand-computed: weights + biases (BatchNorm: scale + shift per feature).
        QTest::newRow("linear 2->64") << "[2]" << "Linear" << "{}" << "[64]" << qint64(2 * 64 + 64);
        QTest::newRow("linear 2->64 no bias")
            << "[2]" << "Linear" << R"({"bias": false})" << "[64]" << qint64(2 * 64);
        QTest::newRow("linear on last dim")
            << "[5, 10]" << "Linear" << R"({"out_features": 3})" << "[5, 3]" << qint64(10 * 3 + 3);
        QTest::newRow("conv 1->16 k3")
            << "[1, 8, 8]" << "Conv2d" << "{}" << "[16, 6, 6]" << qint64(16 * 1 * 3 * 3 + 16);
        QTest::newRow("conv 3->8 k5 s2 p2 no bias")
            << "[3, 9, 9]" << "Conv2d"
            << R"({"out_channels": 8, "kernel_size": 5, "stride": 2, "padding": 2, "bias": false})"
            << "[8, 5, 5]" << qint64(8 * 3 * 5 * 5);
        QTest::newRow("batchnorm2d") << "[16, 4, 4]" << "BatchNorm2d" << "{}" << "[16, 4, 4]"
                                     << qint64(2 * 16);
        QTest::newRow("batchnorm1d") << "[10, 7]" << "BatchNorm1d" << "{}" << "[10, 7]"
                                     << qint64(2 * 10);
        QTest::newRow("maxpool") << "[2, 7, 7]" << "MaxPool2d" << "{}" << "[2, 3, 3]" << qint64(0);
        QTest::newRow("dropout") << "[4]" << "Dropout" << "{}" << "[4]" << qint64(0);
        QTest::newRow("flatten") << "[2, 3, 4]" << "Flatten" << "{}" << "[24]" << qint64(0);
    }

    void summaryCountsParameters()
    {
        QFETCH(QString, inputShape);
        QFETCH(QString, type);
        QFETCH(QString, params);
        QFETCH(QString, outputShape);
        QFETCH(qint64, parameters);
        Shape shape = nlohmann::json::parse(inputShape.toStdString()).get<Shape>();
        Graph graph = singleLayer(shape, type.toStdString(),
                                  nlohmann::json::parse(params.toStdString()));
        ModelSummary summary = summarizeModel(graph, LayerRegistry::builtin());

        QCOMPARE(summary.layers.size(), size_t(3));
        const LayerSummary& layer = summary.layers[1];
        QCOMPARE(layer.name, std::string("layer"));
        QCOMPARE(layer.type, type.toStdString());
        QCOMPARE(layer.outputs.size(), size_t(1));
        QCOMPARE(QString::fromStdString(tensorTypeToString(layer.outputs[0])), outputShape);
        QCOMPARE(layer.parameters, int64_t(parameters));
        // The count comes from shapes alone; the built module must agree.
        GraphModule model(graph, LayerRegistry::builtin());
        int64_t built = 0;
        if (auto module = model->layerModule(layer.id)) {
            for (const torch::Tensor& weight : module->parameters())
                built += weight.numel();
        }
        QCOMPARE(built, layer.parameters);
        QCOMPARE(summary.totalParameters, int64_t(parameters));
        QCOMPARE(summary.trainableParameters, int64_t(parameters));
        // The Output layer reports what flows into it.
        QCOMPARE(summary.layers[2].type, std::string("Output"));
        QCOMPARE(QString::fromStdString(tensorTypeToString(summary.layers[2].outputs.at(0))),
                 outputShape);
    }

    void summaryFollowsTopologicalOrder()
    {
        Graph graph = residualMlp();
        ModelSummary summary = summarizeModel(graph, LayerRegistry::builtin());
        QCOMPARE(summary.layers.size(), graph.nodes().size());
        std::map<NodeId, size_t> position;
        int64_t total = 0;
        for (size_t i = 0; i < summary.layers.size(); ++i) {
            position[summary.layers[i].id] = i;
            total += summary.layers[i].parameters;
        }
        for (const Edge& edge : graph.edges())
            QVERIFY(position.at(edge.fromNode) < position.at(edge.toNode));
        // fc1 8->16, fc2 16->16, head 32->3.
        QCOMPARE(summary.totalParameters, int64_t((8 * 16 + 16) + (16 * 16 + 16) + (32 * 3 + 3)));
        QCOMPARE(total, summary.totalParameters);
    }

    void summaryOfInvalidGraphThrows()
    {
        Graph graph = singleLayer({3}, "Conv2d", nlohmann::json::object());
        QVERIFY_THROWS_EXCEPTION(ModelError, summarizeModel(graph, LayerRegistry::builtin()));
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
