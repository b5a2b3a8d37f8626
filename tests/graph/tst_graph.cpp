#include "common/graphtestutil.h"

#include <QTest>

#include <stdexcept>

using namespace lepton;
using namespace lepton::testing;

class TestGraph : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shapeHelpers_data();
    void shapeHelpers();

    void addNodeAssignsIds();
    void uniqueNameSkipsTakenNames();
    void removeNodeReturnsItsEdges();
    void edgeQueries();
    void reaches();
    void canConnect_data();
    void canConnect();

    void registryHasCatalogue_data();
    void registryHasCatalogue();
    void everyDefaultIsValid();
    void makeNodeNamesFromType();
    void paramValueFallsBackToDefault();
    void variadicPorts();
    void validateParams_data();
    void validateParams();
    void customSpec();
};


void TestGraph::shapeHelpers_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("count");
    QTest::newRow("scalar") << "[]" << "[]" << qint64(1);
    QTest::newRow("vector") << "[784]" << "[784]" << qint64(784);
    QTest::newRow("image") << "[1, 28, 28]" << "[1, 28, 28]" << qint64(784);
    QTest::newRow("large") << "[3000000, 3000000]" << "[3000000, 3000000]" << qint64(9000000000000);
}

void TestGraph::shapeHelpers()
{
    QFETCH(QString, shape);
    QFETCH(QString, text);
    QFETCH(qint64, count);
    Shape parsed = json::parse(shape.toStdString()).get<Shape>();
    QCOMPARE(QString::fromStdString(shapeToString(parsed)), text);
    QCOMPARE(shapeElementCount(parsed), count);
}

void TestGraph::addNodeAssignsIds()
{
    Graph graph;
    QCOMPARE(graph.nextId(), 1);
    QCOMPARE(graph.addNode(makeLayer("ReLU", "a")), 1);
    QCOMPARE(graph.addNode(makeLayer("ReLU", "b")), 2);

    Node explicitId = makeLayer("ReLU", "c");
    explicitId.id = 10;
    QCOMPARE(graph.addNode(explicitId), 10);
    QCOMPARE(graph.nextId(), 11);
    QCOMPARE(graph.addNode(makeLayer("ReLU", "d")), 11);

    Node taken = makeLayer("ReLU", "e");
    taken.id = 2;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, graph.addNode(taken));
    taken.id = -3;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, graph.addNode(taken));

    // Removing the newest node must not make its id available again.
    graph.removeNode(11);
    QCOMPARE(graph.nextId(), 12);
    QCOMPARE(graph.addNode(makeLayer("ReLU", "f")), 12);

    QStringList names;
    for (const Node& node : graph.nodes())
        names << QString::fromStdString(node.name);
    QCOMPARE(names, QStringList({"a", "b", "c", "f"}));
    QCOMPARE(graph.node(10)->name, std::string("c"));
    QCOMPARE(graph.nodeByName("b")->id, 2);
    QVERIFY(!graph.node(11));
    QVERIFY(!graph.nodeByName("d"));
}

void TestGraph::uniqueNameSkipsTakenNames()
{
    Graph graph;
    QCOMPARE(graph.uniqueName("fc"), std::string("fc1"));
    graph.addNode(makeLayer("Linear", "fc1"));
    graph.addNode(makeLayer("Linear", "fc3"));
    QCOMPARE(graph.uniqueName("fc"), std::string("fc2"));
    graph.addNode(makeLayer("Linear", "fc2"));
    QCOMPARE(graph.uniqueName("fc"), std::string("fc4"));
    QCOMPARE(graph.uniqueName("conv"), std::string("conv1"));
}

void TestGraph::removeNodeReturnsItsEdges()
{
    Graph graph = graphFromJson(R"({
        "nodes": [["in", "Input"], ["a", "ReLU"], ["b", "ReLU"], ["add", "Add"]],
        "edges": [["in", "a"], ["a", "b"], ["b", "add", 1], ["in", "add", 0]]})");
    const NodeId in = graph.nodeByName("in")->id;
    const NodeId a = graph.nodeByName("a")->id;
    const NodeId b = graph.nodeByName("b")->id;
    const NodeId add = graph.nodeByName("add")->id;

    std::vector<Edge> removed = graph.removeNode(b);
    std::sort(removed.begin(), removed.end());
    QCOMPARE(removed.size(), size_t(2));
    QVERIFY(removed[0] == (Edge{a, 0, b, 0}));
    QVERIFY(removed[1] == (Edge{b, 0, add, 1}));

    QCOMPARE(graph.nodes().size(), size_t(3));
    QCOMPARE(graph.edges().size(), size_t(2));
    QVERIFY(graph.hasEdge({in, 0, a, 0}));
    QVERIFY(graph.hasEdge({in, 0, add, 0}));
    QVERIFY(!graph.edgeInto(add, 1));
    QVERIFY(graph.edgesOf(b).empty());
    QVERIFY(graph.removeNode(b).empty());

    // What removeNode returned is enough to undo it, down to the order of
    // nodes and edges.
    Node restored = makeLayer("ReLU", "b");
    restored.id = b;
    graph.addNode(restored);
    for (const Edge& edge : removed)
        graph.addEdge(edge);
    QCOMPARE(graph.edges().size(), size_t(4));
    QVERIFY(inferShapes(graph, registry()).ok());
    std::vector<NodeId> order;
    for (const Node& node : graph.nodes())
        order.push_back(node.id);
    QVERIFY(order == (std::vector<NodeId>{in, a, b, add}));
    QVERIFY(std::is_sorted(graph.edges().begin(), graph.edges().end()));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, graph.addEdge(removed[0]));
    QCOMPARE(graph.edges().size(), size_t(4));
}

void TestGraph::edgeQueries()
{
    Graph graph = graphFromJson(R"({
        "nodes": [["in", "Input"], ["a", "ReLU"], ["b", "ReLU"]],
        "edges": [["in", "a"], ["a", "b"]]})");
    const Edge inToA{1, 0, 2, 0};
    const Edge aToB{2, 0, 3, 0};

    QVERIFY(graph.hasEdge(aToB));
    QVERIFY(inToA != aToB);
    QVERIFY(inToA < aToB);
    QVERIFY(graph.edgeInto(3, 0) == aToB);
    QVERIFY(!graph.edgeInto(1, 0));
    QCOMPARE(graph.edgesOf(2).size(), size_t(2));
    QCOMPARE(graph.edgesOf(3).size(), size_t(1));

    QVERIFY(graph.removeEdge(aToB));
    QVERIFY(!graph.removeEdge(aToB));
    QVERIFY(!graph.hasEdge(aToB));
    QCOMPARE(graph.edges().size(), size_t(1));

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, graph.addEdge({2, 0, 99, 0}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, graph.addEdge({99, 0, 2, 0}));
    QCOMPARE(graph.edges().size(), size_t(1));
}

void TestGraph::reaches()
{
    Graph graph = graphFromJson(R"({
        "nodes": [["a", "ReLU"], ["b", "ReLU"], ["c", "ReLU"], ["d", "ReLU"]],
        "edges": [["a", "b"], ["b", "c"]]})");
    QVERIFY(graph.reaches(1, 2));
    QVERIFY(graph.reaches(1, 3));
    QVERIFY(!graph.reaches(3, 1));
    QVERIFY(!graph.reaches(1, 4));
    QVERIFY(!graph.reaches(4, 1));
}

void TestGraph::canConnect_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<int>("fromPort");
    QTest::addColumn<QString>("to");
    QTest::addColumn<int>("toPort");
    QTest::addColumn<QString>("reason");

    QTest::newRow("free port") << "fc1" << 0 << "out" << 0 << "";
    QTest::newRow("third input of a 3-input Add") << "act1" << 0 << "wide" << 2 << "";
    QTest::newRow("missing source") << "" << 0 << "act2" << 0 << "node 999 does not exist";
    QTest::newRow("missing target") << "act1" << 0 << "" << 0 << "node 999 does not exist";
    QTest::newRow("unknown type") << "odd" << 0 << "act2" << 0
                                  << "Mystery 'odd' has an unknown layer type";
    QTest::newRow("input port out of range") << "in" << 0 << "fc1" << 2
                                             << "Linear 'fc1' has no input port 2";
    QTest::newRow("negative input port") << "in" << 0 << "act2" << -1
                                         << "ReLU 'act2' has no input port -1";
    QTest::newRow("Add has two inputs by default") << "in" << 0 << "add1" << 2
                                                   << "Add 'add1' has no input port 2";
    QTest::newRow("Input has no inputs") << "act1" << 0 << "in" << 0
                                         << "Input 'in' has no input port 0";
    QTest::newRow("output port out of range") << "fc1" << 1 << "act2" << 0
                                              << "Linear 'fc1' has no output port 1";
    QTest::newRow("Output has no outputs") << "out" << 0 << "act2" << 0
                                           << "Output 'out' has no output port 0";
    QTest::newRow("self loop") << "act2" << 0 << "act2" << 0
                               << "cannot connect ReLU 'act2' to itself";
    QTest::newRow("duplicate") << "fc1" << 0 << "act1" << 0
                               << "Linear 'fc1' output 'out' is already connected to "
                                  "ReLU 'act1' input 'in'";
    QTest::newRow("port taken") << "in" << 0 << "act1" << 0
                                << "input 'in' of ReLU 'act1' is already connected";
    QTest::newRow("variadic port taken") << "in" << 0 << "add1" << 1
                                         << "input 'in2' of Add 'add1' is already connected";
    QTest::newRow("cycle") << "add1" << 0 << "act2" << 0
                           << "would create a cycle: ReLU 'act2' already leads to Add 'add1'";
}

void TestGraph::canConnect()
{
    QFETCH(QString, from);
    QFETCH(int, fromPort);
    QFETCH(QString, to);
    QFETCH(int, toPort);
    QFETCH(QString, reason);

    Graph graph = graphFromJson(R"({
        "nodes": [["in", "Input"], ["fc1", "Linear"], ["act1", "ReLU"], ["act2", "ReLU"],
                  ["add1", "Add"], ["wide", "Add", {"inputs": 3}], ["out", "Output"],
                  ["odd", "Mystery"]],
        "edges": [["in", "fc1"], ["fc1", "act1"], ["act1", "add1", 0], ["act2", "add1", 1]]})");
    auto id = [&graph](const QString& name) {
        const Node* node = graph.nodeByName(name.toStdString());
        return node ? node->id : 999;
    };
    const Edge edge{id(from), fromPort, id(to), toPort};
    const size_t edgesBefore = graph.edges().size();
    QCOMPARE(QString::fromStdString(graph.canConnect(edge, registry())), reason);
    QCOMPARE(graph.edges().size(), edgesBefore);
}

void TestGraph::registryHasCatalogue_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("category");
    QTest::addColumn<int>("inputs");
    QTest::addColumn<int>("outputs");
    QTest::addColumn<QStringList>("params");

    QTest::newRow("Input") << "Input" << "Input/Output" << 0 << 1
                           << QStringList{"shape", "dtype"};
    QTest::newRow("Output") << "Output" << "Input/Output" << 1 << 0 << QStringList{};
    QTest::newRow("Linear") << "Linear" << "Dense" << 1 << 1
                            << QStringList{"in_features", "out_features", "bias"};
    QTest::newRow("Conv2d") << "Conv2d" << "Convolution" << 1 << 1
                            << QStringList{"in_channels", "out_channels", "kernel_size", "stride",
                                           "padding", "dilation", "groups", "bias"};
    for (const char* pool : {"MaxPool2d", "AvgPool2d"})
        QTest::newRow(pool) << pool << "Pooling" << 1 << 1
                            << QStringList{"kernel_size", "stride", "padding"};
    for (const char* norm : {"BatchNorm1d", "BatchNorm2d"})
        QTest::newRow(norm) << norm << "Normalization" << 1 << 1 << QStringList{"momentum", "eps"};
    QTest::newRow("Dropout") << "Dropout" << "Regularization" << 1 << 1 << QStringList{"p"};
    QTest::newRow("Flatten") << "Flatten" << "Reshape" << 1 << 1 << QStringList{};
    for (const char* activation : {"ReLU", "Sigmoid", "Tanh", "GELU"})
        QTest::newRow(activation) << activation << "Activation" << 1 << 1 << QStringList{};
    QTest::newRow("Softmax") << "Softmax" << "Activation" << 1 << 1 << QStringList{"dim"};
    QTest::newRow("Add") << "Add" << "Merge" << 2 << 1 << QStringList{"inputs"};
    QTest::newRow("Concat") << "Concat" << "Merge" << 2 << 1 << QStringList{"inputs", "dim"};
    // Several outputs: a port count from a param, a sequence and a final state,
    // attention's output and weights.
    QTest::newRow("Split") << "Split" << "Merge" << 1 << 2 << QStringList{"parts", "dim"};
    QTest::newRow("LSTM") << "LSTM" << "Recurrent" << 1 << 2
                          << QStringList{"input_size", "hidden_size", "num_layers",
                                         "bidirectional", "dropout", "bias"};
    QTest::newRow("MultiheadAttention") << "MultiheadAttention" << "Attention" << 3 << 2
                                        << QStringList{"embed_dim", "num_heads", "dropout", "bias"};
}

void TestGraph::registryHasCatalogue()
{
    QFETCH(QString, type);
    QFETCH(QString, category);
    QFETCH(int, inputs);
    QFETCH(int, outputs);
    QFETCH(QStringList, params);

    const LayerSpec* spec = registry().find(type.toStdString());
    QVERIFY(spec);
    QCOMPARE(QString::fromStdString(spec->category), category);
    QVERIFY(!spec->displayName.empty());
    QVERIFY(!spec->description.empty());
    QVERIFY(spec->shapeRule);
    QStringList names;
    for (const ParamSpec& param : spec->params)
        names << QString::fromStdString(param.name);
    QCOMPARE(names, params);

    Node node = registry().makeNode(type.toStdString(), Graph());
    QCOMPARE(registry().inputCount(node), inputs);
    QCOMPARE(registry().outputCount(node), outputs);
}

void TestGraph::everyDefaultIsValid()
{
    const std::vector<LayerSpec>& specs = registry().specs();
    QCOMPARE(specs.size(), size_t(44));
    QCOMPARE(specs.front().type, std::string("Input"));
    for (const LayerSpec& spec : specs) {
        QCOMPARE(registry().find(spec.type), &spec);
        Node node = registry().makeNode(spec.type, Graph());
        QCOMPARE(QString::fromStdString(registry().validateParams(node)), QString());
    }
    // Palette groups stay together.
    QStringList seen;
    for (const LayerSpec& spec : specs) {
        QString category = QString::fromStdString(spec.category);
        if (seen.isEmpty() || seen.last() != category) {
            QVERIFY2(!seen.contains(category), qPrintable(category + " is split"));
            seen << category;
        }
    }
    QVERIFY(!registry().find("Linaer"));
}

void TestGraph::makeNodeNamesFromType()
{
    Graph graph;
    Node first = registry().makeNode("Linear", graph, {10, 20});
    QCOMPARE(first.name, std::string("linear1"));
    QCOMPARE(first.type, std::string("Linear"));
    QCOMPARE(first.id, 0);
    QCOMPARE(first.position.x, 10.0);
    QCOMPARE(first.position.y, 20.0);
    QCOMPARE(first.params.dump(), registry().defaultParams("Linear").dump());
    QCOMPARE(first.params.at("out_features").dump(), std::string("64"));
    graph.addNode(first);

    QCOMPARE(registry().makeNode("Linear", graph).name, std::string("linear2"));
    QCOMPARE(registry().makeNode("Conv2d", graph).name, std::string("conv2d1"));
    QCOMPARE(registry().makeNode("BatchNorm1d", graph).name, std::string("batchnorm1d1"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, registry().makeNode("Linaer", graph));
}

void TestGraph::paramValueFallsBackToDefault()
{
    Node node = makeLayer("Conv2d", "conv1", {{"out_channels", 32}});
    QCOMPARE(registry().paramValue(node, "out_channels").dump(), std::string("32"));
    QCOMPARE(registry().paramValue(node, "kernel_size").dump(), std::string("3"));
    QCOMPARE(registry().paramValue(node, "bias").dump(), std::string("true"));
    QVERIFY(registry().paramValue(node, "units").is_null());
    QCOMPARE(registry().defaultParams("Input").at("shape").dump(), std::string("[2]"));
    QCOMPARE(registry().defaultParams("Linaer").dump(), std::string("{}"));
}

void TestGraph::variadicPorts()
{
    Node add = makeLayer("Add", "add1");
    QCOMPARE(registry().inputCount(add), 2);
    QCOMPARE(registry().inputPortName(add, 0), std::string("in1"));
    QCOMPARE(registry().inputPortName(add, 1), std::string("in2"));
    QCOMPARE(registry().inputPortName(add, 2), std::string());
    add.params["inputs"] = 5;
    QCOMPARE(registry().inputCount(add), 5);
    QCOMPARE(registry().inputPortName(add, 4), std::string("in5"));
    // A bad count never asks for more ports than the parameter allows.
    add.params["inputs"] = 1000000;
    QCOMPARE(registry().inputCount(add), 8);
    add.params["inputs"] = "three";
    QCOMPARE(registry().inputCount(add), 2);

    Node linear = makeLayer("Linear", "fc1");
    QCOMPARE(registry().inputPortName(linear, 0), std::string("in"));
    QCOMPARE(registry().inputPortName(linear, 1), std::string());
    QCOMPARE(registry().outputPortName(linear, 0), std::string("out"));
    QCOMPARE(registry().outputPortName(linear, 1), std::string());
    QCOMPARE(registry().inputCount(makeLayer("Mystery", "odd")), 0);
}

void TestGraph::validateParams_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("problem");

    QTest::newRow("all defaults") << "Linear" << "{}" << "";
    QTest::newRow("valid values") << "Conv2d" << R"({"out_channels": 8, "bias": false})" << "";
    QTest::newRow("float given an integer") << "Dropout" << R"({"p": 1})" << "";
    QTest::newRow("negative dim") << "Softmax" << R"({"dim": -2})" << "";
    QTest::newRow("below minimum") << "Linear" << R"({"out_features": 0})"
                                   << "parameter 'out_features' must be >= 1, got 0";
    QTest::newRow("above maximum") << "Add" << R"({"inputs": 9})"
                                   << "parameter 'inputs' must be between 2 and 8, got 9";
    QTest::newRow("float out of range") << "Dropout" << R"({"p": 1.5})"
                                        << "parameter 'p' must be between 0 and 1, got 1.5";
    QTest::newRow("eps must be positive") << "BatchNorm2d" << R"({"eps": 0})"
                                          << "parameter 'eps' must be >= 1e-12, got 0";
    QTest::newRow("int given a float") << "Linear" << R"({"out_features": 2.5})"
                                       << "parameter 'out_features' must be an integer, got 2.5";
    QTest::newRow("int too large") << "Linear" << R"({"out_features": 3000000000})"
                                   << "parameter 'out_features' is too large, got 3000000000";
    QTest::newRow("float given a string") << "Dropout" << R"({"p": "0.5"})"
                                          << R"(parameter 'p' must be a number, got "0.5")";
    QTest::newRow("bool given a number") << "Linear" << R"({"bias": 1})"
                                         << "parameter 'bias' must be true or false, got 1";
    QTest::newRow("list of ints") << "Input" << R"({"shape": [1, 28, 28]})" << "";
    QTest::newRow("list given a number") << "Input" << R"({"shape": 784})"
                                         << "parameter 'shape' must be a list of integers, got 784";
    QTest::newRow("list with a float") << "Input" << R"({"shape": [1.5]})"
                                       << "parameter 'shape' must be a list of integers, got [1.5]";
    QTest::newRow("list value out of range") << "Input" << R"({"shape": [1, 0]})"
                                             << "parameter 'shape' values must be >= 1, got 0";
    QTest::newRow("unknown parameter") << "Linear" << R"({"units": 3})"
                                       << "unknown parameter 'units'";
    QTest::newRow("params not an object") << "Linear" << "[]"
                                          << "parameters must be a JSON object, got []";
    QTest::newRow("unknown type") << "Linaer" << "{}" << "unknown layer type 'Linaer'";
}

void TestGraph::validateParams()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, problem);
    Node node = makeLayer(type.toStdString(), "n", json::parse(params.toStdString()));
    QCOMPARE(QString::fromStdString(registry().validateParams(node)), problem);
}

void TestGraph::customSpec()
{
    LayerSpec spec;
    spec.type = "Repeat";
    spec.inputPorts = {"in"};
    spec.outputPorts = {"out"};
    ParamSpec times{"times", ParamType::Int, 3, 1, 10, {}, "copies"};
    ParamSpec mode{"mode", ParamType::Choice, "stack", {}, {}, {"stack", "tile"}, "layout"};
    spec.params = {times, mode};
    // Reads its parameters without fallbacks: the registry supplies defaults.
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        Shape shape = inputs.at(0).shape;
        shape.insert(shape.begin(), node.params.at("times").get<int64_t>());
        ShapeResult result;
        result.outputs = {shape};
        return result;
    };

    LayerRegistry custom;
    custom.add(spec);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, custom.add(spec));
    QCOMPARE(custom.specs().size(), size_t(1));

    const ShapeRule& rule = custom.find("Repeat")->shapeRule;
    const std::vector<TensorType> input{TensorType({4})};
    Node node = makeLayer("Repeat", "r");
    QCOMPARE(shapeToString(rule(node, input).outputs.at(0).shape), std::string("[3, 4]"));
    node.params["times"] = 5;
    QCOMPARE(shapeToString(rule(node, input).outputs.at(0).shape), std::string("[5, 4]"));

    node.params["mode"] = "tile";
    QCOMPARE(custom.validateParams(node), std::string());
    node.params["mode"] = "spread";
    QCOMPARE(custom.validateParams(node),
             std::string(R"(parameter 'mode' must be one of 'stack', 'tile', got "spread")"));
    node.params["mode"] = 1;
    QCOMPARE(custom.validateParams(node),
             std::string("parameter 'mode' must be one of 'stack', 'tile', got 1"));
}

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
