#include "graph/layerregistry.h"
#include "graph/shapeinference.h"
#include "project/project.h"
#include "project/starternetwork.h"

#include <QtTest>

using namespace lepton;

namespace {

const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
}

// The output type the graph's Output layer receives, or an empty shape.
TensorType outputOf(const Graph& graph)
{
    const ShapeReport report = inferShapes(graph, registry());
    if (!report.ok())
        qWarning() << QString::fromStdString(report.errors.front());
    for (const Node& node : graph.nodes()) {
        if (node.type == "Output" && report.nodes.count(node.id) && !report.nodes.at(node.id).inputs.empty())
            return report.nodes.at(node.id).inputs.front();
    }
    return {};
}

DataInterface interface(Shape input, DType dtype, int64_t outputs, int64_t vocabulary = 0)
{
    DataInterface data;
    data.input = TensorType(std::move(input), dtype);
    data.outputs = outputs;
    data.vocabulary = vocabulary;
    return data;
}

} // namespace

class TestStarter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void starterNetworkFitsTheData_data()
    {
        QTest::addColumn<QList<qint64>>("input");
        QTest::addColumn<bool>("tokens");
        QTest::addColumn<QString>("signature"); // a layer only that kind of network has
        QTest::newRow("table") << QList<qint64>{9} << false << "Linear";
        QTest::newRow("image") << QList<qint64>{3, 32, 32} << false << "Conv2d";
        QTest::newRow("gray image") << QList<qint64>{1, 28, 28} << false << "BatchNorm2d";
        QTest::newRow("matrix") << QList<qint64>{2, 3} << false << "Flatten";
        QTest::newRow("text") << QList<qint64>{40} << true << "LSTM";
    }

    void starterNetworkFitsTheData()
    {
        QFETCH(QList<qint64>, input);
        QFETCH(bool, tokens);
        QFETCH(QString, signature);
        const DataInterface data = interface(Shape(input.begin(), input.end()),
                                             tokens ? DType::Int64 : DType::Float32, 5, 300);
        const Graph graph = starterNetwork(data, registry());
        QCOMPARE(outputOf(graph), TensorType({5}));
        QVERIFY(std::any_of(graph.nodes().begin(), graph.nodes().end(),
                            [&](const Node& node) { return node.type == signature.toStdString(); }));
        if (tokens) {
            const auto embedding = std::find_if(graph.nodes().begin(), graph.nodes().end(),
                                                [](const Node& node) { return node.type == "Embedding"; });
            QCOMPARE(embedding->params["num_embeddings"].get<int64_t>(), int64_t(300));
        }
    }

    void templateIsFittedToTheData()
    {
        Graph graph = loadProject(LEPTON_SOURCE_DIR "/resources/templates/lenet5.lepton", registry()).graph;
        QVERIFY(fitNetworkToData(graph, interface({3, 32, 32}, DType::Float32, 7), registry()).empty());
        QCOMPARE(outputOf(graph), TensorType({7}));
        const Node* input = graph.nodeByName("image");
        QVERIFY(input);
        QCOMPARE(input->params["shape"], nlohmann::json({3, 32, 32}));
    }

    void unfittableNetworkSaysWhy()
    {
        Graph graph;
        graph.addNode(registry().makeNode("Input", graph));
        QVERIFY(!fitNetworkToData(graph, interface({4}, DType::Float32, 2), registry()).empty());
        graph.addNode(registry().makeNode("Output", graph));
        graph.addEdge({graph.nodes()[0].id, 0, graph.nodes()[1].id, 0});
        const auto problems = fitNetworkToData(graph, interface({4}, DType::Float32, 2), registry());
        QCOMPARE(problems.size(), size_t(1));
        QVERIFY2(QString::fromStdString(problems[0]).contains("is not fed by a Linear layer"),
                 problems[0].c_str());
    }

    void mismatchesAreMarkedOnResolvedLayersOnly()
    {
        // A table-sized Input in front of a CNN: the Input does not fit the
        // images, and the Output behind the broken convolution is not judged.
        Graph graph = starterNetwork(interface({1, 28, 28}, DType::Float32, 10), registry());
        for (const Node& node : graph.nodes()) {
            if (node.type == "Input")
                graph.node(node.id)->params["shape"] = {784};
        }
        ShapeReport report = inferShapes(graph, registry());
        const auto problems = markDataMismatches(report, graph, interface({1, 28, 28}, DType::Float32, 10));
        QCOMPARE(problems.size(), size_t(1));
        QCOMPARE(problems[0], std::string("Input 'input1' takes [784] but the data gives [1, 28, 28]"));
        QCOMPARE(report.nodes.at(graph.nodes().front().id).status, NodeStatus::Invalid);
        QCOMPARE(report.nodes.at(graph.nodes().back().id).status, NodeStatus::Blocked);

        // A resolved Output of the wrong size is marked.
        Graph mlp = starterNetwork(interface({4}, DType::Float32, 3), registry());
        ShapeReport mlpReport = inferShapes(mlp, registry());
        const auto wrongSize = markDataMismatches(mlpReport, mlp, interface({4}, DType::Float32, 5));
        QCOMPARE(wrongSize, std::vector<std::string>{"Output 'output1' receives [3] but the data has 5 classes"});
    }

    void vocabularyComesFromTheTokenIds()
    {
        Dataset tokens;
        tokens.featureShape = {3};
        tokens.featureDType = DType::Int64;
        tokens.features = {2, 7, 0, 41, 1, 0};
        tokens.labels = {0, 1};
        tokens.numClasses = 2;
        const DataInterface data = dataInterface(tokens);
        QCOMPARE(data.vocabulary, int64_t(42));
        QCOMPARE(data.outputs, int64_t(2));
        QCOMPARE(data.input, TensorType({3}, DType::Int64));
    }
};

QTEST_GUILESS_MAIN(TestStarter)
#include "tst_starter.moc"
