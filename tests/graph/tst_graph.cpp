#include "graph/graph.h"
#include "graph/layerregistry.h"
#include "graph/shape.h"
#include "graph/shapeinference.h"

#include <QStringList>
#include <QTest>

#include <algorithm>
#include <stdexcept>

using namespace lepton;
using nlohmann::json;

namespace {

const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
}

Node makeLayer(const std::string& type, const std::string& name, json params = json::object())
{
    Node node;
    node.type = type;
    node.name = name;
    node.params = std::move(params);
    return node;
}

// A graph written as {"nodes": [[name, type, params?], ...],
// "edges": [[from, to], [from, to, toPort], [from, fromPort, to, toPort]]}.
// Edges go through addEdge unchecked, so rows can hold cycles and bad ports.
Graph graphFromJson(const QString& text)
{
    json spec = json::parse(text.toStdString());
    Graph graph;
    for (const json& entry : spec.at("nodes")) {
        json params = entry.size() > 2 ? entry[2] : json::object();
        graph.addNode(makeLayer(entry[1].get<std::string>(), entry[0].get<std::string>(), params));
    }
    auto id = [&graph](const json& name) { return graph.nodeByName(name.get<std::string>())->id; };
    for (const json& e : spec.value("edges", json::array())) {
        if (e.size() == 4)
            graph.addEdge({id(e[0]), e[1].get<int>(), id(e[2]), e[3].get<int>()});
        else
            graph.addEdge({id(e[0]), 0, id(e[1]), e.size() > 2 ? e[2].get<int>() : 0});
    }
    return graph;
}

QStringList toQStringList(const std::vector<std::string>& items)
{
    QStringList list;
    for (const std::string& item : items)
        list << QString::fromStdString(item);
    return list;
}

// The shape a node hands on: its first output, or for Output its input.
QString flowingShape(const ShapeReport& report, NodeId id)
{
    const NodeShapes& shapes = report.nodes.at(id);
    if (!shapes.outputs.empty())
        return QString::fromStdString(shapeToString(shapes.outputs[0]));
    if (!shapes.inputs.empty() && !shapes.inputs[0].empty())
        return QString::fromStdString(shapeToString(shapes.inputs[0]));
    return {};
}

// Every edge runs forwards in the order, and the order holds every node once.
bool isTopological(const Graph& graph, const std::vector<NodeId>& order)
{
    if (order.size() != graph.nodes().size())
        return false;
    auto position = [&order](NodeId id) { return std::find(order.begin(), order.end(), id); };
    for (const Node& node : graph.nodes()) {
        if (position(node.id) == order.end())
            return false;
    }
    return std::all_of(graph.edges().begin(), graph.edges().end(), [&](const Edge& e) {
        return position(e.fromNode) < position(e.toNode);
    });
}

} // namespace

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

    void layerShapes_data();
    void layerShapes();
    void validGraphs_data();
    void validGraphs();
    void orderIsStable();
    void invalidGraphs_data();
    void invalidGraphs();
    void cycleLeavesOrderEmpty();
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

    // What removeNode returned is enough to undo it.
    Node restored = makeLayer("ReLU", "b");
    restored.id = b;
    graph.addNode(restored);
    for (const Edge& edge : removed)
        graph.addEdge(edge);
    QCOMPARE(graph.edges().size(), size_t(4));
    QVERIFY(inferShapes(graph, registry()).ok());
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

    QTest::newRow("Input") << "Input" << "Input/Output" << 0 << 1 << QStringList{"shape"};
    QTest::newRow("Output") << "Output" << "Input/Output" << 1 << 0 << QStringList{};
    QTest::newRow("Linear") << "Linear" << "Dense" << 1 << 1
                            << QStringList{"in_features", "out_features", "bias"};
    QTest::newRow("Conv2d") << "Conv2d" << "Convolution" << 1 << 1
                            << QStringList{"in_channels", "out_channels", "kernel_size", "stride",
                                           "padding", "bias"};
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
    QCOMPARE(specs.size(), size_t(17));
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
    spec.shapeRule = [](const Node& node, const std::vector<Shape>& inputs) {
        Shape shape = inputs.at(0);
        shape.insert(shape.begin(), node.params.at("times").get<int64_t>());
        return ShapeResult{{shape}, {}};
    };

    LayerRegistry custom;
    custom.add(spec);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, custom.add(spec));
    QCOMPARE(custom.specs().size(), size_t(1));

    const ShapeRule& rule = custom.find("Repeat")->shapeRule;
    const std::vector<Shape> input{{4}};
    Node node = makeLayer("Repeat", "r");
    QCOMPARE(shapeToString(rule(node, input).outputs.at(0)), std::string("[3, 4]"));
    node.params["times"] = 5;
    QCOMPARE(shapeToString(rule(node, input).outputs.at(0)), std::string("[5, 4]"));

    node.params["mode"] = "tile";
    QCOMPARE(custom.validateParams(node), std::string());
    node.params["mode"] = "spread";
    QCOMPARE(custom.validateParams(node),
             std::string(R"(parameter 'mode' must be one of 'stack', 'tile', got "spread")"));
    node.params["mode"] = 1;
    QCOMPARE(custom.validateParams(node),
             std::string("parameter 'mode' must be one of 'stack', 'tile', got 1"));
}

void TestGraph::layerShapes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("inputs");
    QTest::addColumn<QString>("expected"); // output shape, or the full error

    auto row = [](const char* name, const char* type, const char* params, const char* inputs,
                  const char* expected) {
        QTest::newRow(name) << type << params << inputs << expected;
    };
    row("linear default", "Linear", "{}", "[[784]]", "[64]");
    row("linear checked", "Linear", R"({"in_features": 784, "out_features": 10})", "[[784]]",
        "[10]");
    row("linear on last dim", "Linear", R"({"out_features": 5})", "[[3, 7]]", "[3, 5]");
    row("linear mismatch", "Linear", R"({"in_features": 784})", "[[1568]]",
        "Linear 'layer' expects 784 input features, got 1568");
    row("conv", "Conv2d", R"({"out_channels": 8})", "[[1, 28, 28]]", "[8, 26, 26]");
    row("conv strided padded", "Conv2d",
        R"({"out_channels": 4, "kernel_size": 5, "stride": 2, "padding": 2})", "[[3, 32, 32]]",
        "[4, 16, 16]");
    row("conv non-square", "Conv2d", R"({"in_channels": 3, "kernel_size": 3})", "[[3, 10, 6]]",
        "[16, 8, 4]");
    row("conv channels", "Conv2d", R"({"in_channels": 3})", "[[1, 28, 28]]",
        "Conv2d 'layer' expects 3 input channels, got 1");
    row("conv flat", "Conv2d", "{}", "[[784]]",
        "Conv2d 'layer' expects a [channels, height, width] input, got [784]");
    row("conv kernel too big", "Conv2d", R"({"kernel_size": 5})", "[[1, 3, 3]]",
        "Conv2d 'layer' kernel 5 does not fit a 3x3 input");
    row("conv kernel too big padded", "Conv2d", R"({"kernel_size": 6, "padding": 1})",
        "[[1, 3, 3]]", "Conv2d 'layer' kernel 6 does not fit a 3x3 input with padding 1");
    row("conv padding makes it fit", "Conv2d", R"({"kernel_size": 5, "padding": 1})",
        "[[1, 3, 3]]", "[16, 1, 1]");
    row("max pool", "MaxPool2d", "{}", "[[8, 26, 26]]", "[8, 13, 13]");
    row("max pool stride padding", "MaxPool2d", R"({"kernel_size": 3, "stride": 2, "padding": 1})",
        "[[4, 7, 7]]", "[4, 4, 4]");
    row("avg pool floors", "AvgPool2d", "{}", "[[2, 5, 5]]", "[2, 2, 2]");
    row("pool padding", "AvgPool2d", R"({"kernel_size": 3, "padding": 2})", "[[2, 8, 8]]",
        "AvgPool2d 'layer' padding 2 is more than half of kernel 3");
    row("pool flat", "MaxPool2d", "{}", "[[10]]",
        "MaxPool2d 'layer' expects a [channels, height, width] input, got [10]");
    row("pool too small", "MaxPool2d", R"({"kernel_size": 4})", "[[1, 3, 3]]",
        "MaxPool2d 'layer' kernel 4 does not fit a 3x3 input");
    row("batchnorm1d features", "BatchNorm1d", "{}", "[[32]]", "[32]");
    row("batchnorm1d sequence", "BatchNorm1d", "{}", "[[4, 10]]", "[4, 10]");
    row("batchnorm1d image", "BatchNorm1d", "{}", "[[1, 2, 3]]",
        "BatchNorm1d 'layer' expects a [features] or [features, length] input, got [1, 2, 3]");
    row("batchnorm2d", "BatchNorm2d", "{}", "[[8, 4, 4]]", "[8, 4, 4]");
    row("batchnorm2d flat", "BatchNorm2d", "{}", "[[8]]",
        "BatchNorm2d 'layer' expects a [channels, height, width] input, got [8]");
    row("dropout", "Dropout", R"({"p": 0.2})", "[[3, 4]]", "[3, 4]");
    row("flatten image", "Flatten", "{}", "[[16, 5, 5]]", "[400]");
    row("flatten flat", "Flatten", "{}", "[[10]]", "[10]");
    row("flatten overflow", "Flatten", "{}", "[[2000000000, 2000000000, 2000000000]]",
        "Flatten 'layer' cannot flatten [2000000000, 2000000000, 2000000000]: too many elements");
    for (const char* activation : {"ReLU", "Sigmoid", "Tanh", "GELU"})
        row(activation, activation, "{}", "[[7, 3]]", "[7, 3]");
    row("softmax", "Softmax", "{}", "[[10]]", "[10]");
    row("softmax dim 1", "Softmax", R"({"dim": 1})", "[[3, 4]]", "[3, 4]");
    row("softmax dim -2", "Softmax", R"({"dim": -2})", "[[3, 4]]", "[3, 4]");
    row("softmax dim too big", "Softmax", R"({"dim": 1})", "[[10]]",
        "Softmax 'layer' dim 1 is out of range for input [10]");
    row("softmax dim too small", "Softmax", R"({"dim": -2})", "[[10]]",
        "Softmax 'layer' dim -2 is out of range for input [10]");
    row("add", "Add", "{}", "[[64], [64]]", "[64]");
    row("add three", "Add", R"({"inputs": 3})", "[[2, 3], [2, 3], [2, 3]]", "[2, 3]");
    row("add mismatch", "Add", "{}", "[[64], [32]]",
        "Add 'layer' input 2 has shape [32], expected [64] like input 1");
    row("add third mismatch", "Add", R"({"inputs": 3})", "[[4], [4], [4, 1]]",
        "Add 'layer' input 3 has shape [4, 1], expected [4] like input 1");
    row("concat channels", "Concat", "{}", "[[16, 8, 8], [8, 8, 8]]", "[24, 8, 8]");
    row("concat last", "Concat", R"({"dim": -1})", "[[2, 3], [2, 5]]", "[2, 8]");
    row("concat three", "Concat", R"({"inputs": 3, "dim": 1})", "[[1, 2], [1, 3], [1, 4]]",
        "[1, 9]");
    row("concat mismatch", "Concat", "{}", "[[16, 8, 8], [8, 4, 4]]",
        "Concat 'layer' input 2 has shape [8, 4, 4], expected [*, 8, 8] like input 1");
    row("concat rank", "Concat", "{}", "[[16, 8, 8], [16, 64]]",
        "Concat 'layer' input 2 has shape [16, 64], expected 3 dimensions like input 1");
    row("concat dim", "Concat", R"({"dim": 2})", "[[2, 3], [2, 3]]",
        "Concat 'layer' dim 2 is out of range for input [2, 3]");
}

void TestGraph::layerShapes()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, inputs);
    QFETCH(QString, expected);

    // One Input per incoming shape, all feeding the layer under test.
    Graph graph;
    const NodeId layer = graph.addNode(
        makeLayer(type.toStdString(), "layer", json::parse(params.toStdString())));
    int port = 0;
    for (const json& shape : json::parse(inputs.toStdString())) {
        std::string name = graph.uniqueName("in");
        NodeId input = graph.addNode(makeLayer("Input", name, {{"shape", shape}}));
        QCOMPARE(QString::fromStdString(graph.canConnect({input, 0, layer, port}, registry())),
                 QString());
        graph.addEdge({input, 0, layer, port++});
    }

    ShapeReport report = inferShapes(graph, registry());
    const NodeShapes& shapes = report.nodes.at(layer);
    QCOMPARE(int(shapes.inputs.size()), port);
    if (expected.startsWith('[')) {
        QCOMPARE(toQStringList(report.errors), QStringList());
        QCOMPARE(shapes.outputs.size(), size_t(1));
        QCOMPARE(QString::fromStdString(shapeToString(shapes.outputs[0])), expected);
    } else {
        QCOMPARE(toQStringList(report.errors), QStringList{expected});
        QCOMPARE(QString::fromStdString(shapes.error), expected);
        QVERIFY(shapes.outputs.empty());
    }
}

void TestGraph::validGraphs_data()
{
    QTest::addColumn<QString>("graph");
    QTest::addColumn<QString>("shapes"); // {name: shape it hands on}

    QTest::newRow("mlp") << R"({
        "nodes": [["in", "Input", {"shape": [784]}], ["fc1", "Linear", {"out_features": 128}],
                  ["act1", "ReLU"], ["fc2", "Linear", {"in_features": 128, "out_features": 10}],
                  ["out", "Output"]],
        "edges": [["in", "fc1"], ["fc1", "act1"], ["act1", "fc2"], ["fc2", "out"]]})"
                         << R"({"fc1": [128], "act1": [128], "out": [10]})";

    QTest::newRow("cnn") << R"({
        "nodes": [["in", "Input", {"shape": [1, 28, 28]}],
                  ["conv1", "Conv2d", {"out_channels": 8}], ["relu1", "ReLU"],
                  ["pool1", "MaxPool2d"],
                  ["conv2", "Conv2d", {"in_channels": 8, "out_channels": 16}], ["relu2", "ReLU"],
                  ["pool2", "MaxPool2d"], ["flat", "Flatten"],
                  ["fc", "Linear", {"in_features": 400, "out_features": 10}], ["out", "Output"]],
        "edges": [["in", "conv1"], ["conv1", "relu1"], ["relu1", "pool1"], ["pool1", "conv2"],
                  ["conv2", "relu2"], ["relu2", "pool2"], ["pool2", "flat"], ["flat", "fc"],
                  ["fc", "out"]]})"
                         << R"({"conv1": [8, 26, 26], "pool1": [8, 13, 13], "conv2": [16, 11, 11],
                               "pool2": [16, 5, 5], "flat": [400], "out": [10]})";

    QTest::newRow("residual add") << R"({
        "nodes": [["in", "Input", {"shape": [64]}], ["fc1", "Linear", {"out_features": 64}],
                  ["act", "ReLU"], ["res", "Add"], ["head", "Linear", {"out_features": 3}],
                  ["out", "Output"]],
        "edges": [["in", "fc1"], ["fc1", "act"], ["in", "res", 0], ["act", "res", 1],
                  ["res", "head"], ["head", "out"]]})"
                                  << R"({"res": [64], "out": [3]})";

    QTest::newRow("concat channels") << R"({
        "nodes": [["in", "Input", {"shape": [3, 8, 8]}],
                  ["wide", "Conv2d", {"out_channels": 16, "padding": 1}],
                  ["narrow", "Conv2d", {"out_channels": 8, "kernel_size": 1}],
                  ["cat", "Concat", {"dim": 0}], ["bn", "BatchNorm2d"], ["out", "Output"]],
        "edges": [["in", "wide"], ["in", "narrow"], ["wide", "cat", 0], ["narrow", "cat", 1],
                  ["cat", "bn"], ["bn", "out"]]})"
                                     << R"({"wide": [16, 8, 8], "narrow": [8, 8, 8],
                                           "cat": [24, 8, 8], "out": [24, 8, 8]})";

    QTest::newRow("two heads") << R"({
        "nodes": [["in", "Input", {"shape": [2]}], ["body", "Linear", {"out_features": 8}],
                  ["cls", "Linear", {"out_features": 3}], ["prob", "Softmax"],
                  ["reg", "Linear", {"out_features": 1}], ["out1", "Output"], ["out2", "Output"]],
        "edges": [["in", "body"], ["body", "cls"], ["cls", "prob"], ["prob", "out1"],
                  ["body", "reg"], ["reg", "out2"]]})"
                               << R"({"out1": [3], "out2": [1]})";
}

void TestGraph::validGraphs()
{
    QFETCH(QString, graph);
    QFETCH(QString, shapes);
    Graph g = graphFromJson(graph);

    ShapeReport report = inferShapes(g, registry());
    QCOMPARE(toQStringList(report.errors), QStringList());
    QVERIFY(report.ok());
    QVERIFY(isTopological(g, report.order));
    QCOMPARE(report.nodes.size(), g.nodes().size());
    const json expected = json::parse(shapes.toStdString());
    for (const auto& [name, shape] : expected.items()) {
        const Node* node = g.nodeByName(name);
        QVERIFY2(node, name.c_str());
        QCOMPARE(flowingShape(report, node->id),
                 QString::fromStdString(shapeToString(shape.get<Shape>())));
    }
    for (const Node& node : g.nodes())
        QVERIFY2(report.nodes.at(node.id).error.empty(), node.name.c_str());
}

void TestGraph::orderIsStable()
{
    // Added out of data-flow order; independent branches keep insertion order.
    Graph graph = graphFromJson(R"({
        "nodes": [["out", "Output"], ["cat", "Concat"], ["right", "ReLU"], ["in", "Input"],
                  ["left", "Tanh"]],
        "edges": [["in", "left"], ["in", "right"], ["left", "cat", 0], ["right", "cat", 1],
                  ["cat", "out"]]})");
    ShapeReport report = inferShapes(graph, registry());
    QVERIFY(report.ok());
    QStringList names;
    for (NodeId id : report.order)
        names << QString::fromStdString(graph.node(id)->name);
    QCOMPARE(names, QStringList({"in", "right", "left", "cat", "out"}));
    QCOMPARE(flowingShape(report, graph.nodeByName("out")->id), QString("[4]"));
}

void TestGraph::invalidGraphs_data()
{
    QTest::addColumn<QString>("graph");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("unresolved"); // left without shapes or errors of their own

    QTest::newRow("linear mismatch") << R"({
        "nodes": [["in", "Input", {"shape": [2, 28, 28]}], ["flat", "Flatten"],
                  ["fc1", "Linear", {"in_features": 784, "out_features": 10}], ["act", "ReLU"],
                  ["out", "Output"]],
        "edges": [["in", "flat"], ["flat", "fc1"], ["fc1", "act"], ["act", "out"]]})"
        << QStringList{"Linear 'fc1' expects 784 input features, got 1568"}
        << QStringList{"act", "out"};

    QTest::newRow("conv on flat input") << R"({
        "nodes": [["in", "Input", {"shape": [784]}], ["conv1", "Conv2d"], ["out", "Output"]],
        "edges": [["in", "conv1"], ["conv1", "out"]]})"
        << QStringList{"Conv2d 'conv1' expects a [channels, height, width] input, got [784]"}
        << QStringList{"out"};

    QTest::newRow("add mismatch") << R"({
        "nodes": [["in", "Input", {"shape": [64]}], ["fc1", "Linear", {"out_features": 32}],
                  ["add1", "Add"], ["out", "Output"]],
        "edges": [["in", "fc1"], ["in", "add1", 0], ["fc1", "add1", 1], ["add1", "out"]]})"
        << QStringList{"Add 'add1' input 2 has shape [32], expected [64] like input 1"}
        << QStringList{"out"};

    QTest::newRow("concat mismatch") << R"({
        "nodes": [["in", "Input", {"shape": [3, 8, 8]}], ["conv1", "Conv2d"], ["cat", "Concat"],
                  ["out", "Output"]],
        "edges": [["in", "conv1"], ["in", "cat", 0], ["conv1", "cat", 1], ["cat", "out"]]})"
        << QStringList{"Concat 'cat' input 2 has shape [16, 6, 6], expected [*, 8, 8] like input 1"}
        << QStringList{"out"};

    QTest::newRow("dangling input") << R"({
        "nodes": [["in", "Input"], ["act1", "ReLU"], ["out", "Output"]],
        "edges": [["act1", "out"]]})"
        << QStringList{"ReLU 'act1' input 'in' is not connected"} << QStringList{"out"};

    QTest::newRow("dangling merge inputs") << R"({
        "nodes": [["add1", "Add", {"inputs": 3}], ["in", "Input"]],
        "edges": [["in", "add1", 1]]})"
        << QStringList{"Add 'add1' inputs 'in1', 'in3' are not connected"} << QStringList{};

    QTest::newRow("unknown type") << R"({
        "nodes": [["in", "Input"], ["x", "Linaer"], ["out", "Output"]],
        "edges": [["in", "x"], ["x", "out"]]})"
        << QStringList{"Linaer 'x' has an unknown layer type"} << QStringList{"out"};

    QTest::newRow("bad param value") << R"({
        "nodes": [["in", "Input"], ["fc1", "Linear", {"out_features": 0}], ["out", "Output"]],
        "edges": [["in", "fc1"], ["fc1", "out"]]})"
        << QStringList{"Linear 'fc1': parameter 'out_features' must be >= 1, got 0"}
        << QStringList{"out"};

    QTest::newRow("bad param type") << R"({
        "nodes": [["in", "Input"], ["drop", "Dropout", {"p": "high"}], ["out", "Output"]],
        "edges": [["in", "drop"], ["drop", "out"]]})"
        << QStringList{R"(Dropout 'drop': parameter 'p' must be a number, got "high")"}
        << QStringList{"out"};

    QTest::newRow("params not an object") << R"({
        "nodes": [["in", "Input"], ["fc1", "Linear", 5], ["out", "Output"]],
        "edges": [["in", "fc1"], ["fc1", "out"]]})"
        << QStringList{"Linear 'fc1': parameters must be a JSON object, got 5"}
        << QStringList{"out"};

    QTest::newRow("empty input shape") << R"({
        "nodes": [["in", "Input", {"shape": []}], ["out", "Output"]],
        "edges": [["in", "out"]]})"
        << QStringList{"Input 'in' needs a shape with at least one dimension"}
        << QStringList{"out"};

    QTest::newRow("edge into a removed port") << R"({
        "nodes": [["in", "Input"], ["a", "ReLU"], ["b", "ReLU"], ["c", "ReLU"], ["add1", "Add"]],
        "edges": [["in", "a"], ["in", "b"], ["in", "c"], ["a", "add1", 0], ["b", "add1", 1],
                  ["c", "add1", 2]]})"
        << QStringList{"Add 'add1' has no input port 2, but ReLU 'c' is connected to it"}
        << QStringList{};

    QTest::newRow("edge from a missing port") << R"({
        "nodes": [["in", "Input"], ["fc1", "Linear"], ["act", "ReLU"]],
        "edges": [["in", "fc1"], ["fc1", 1, "act", 0]]})"
        << QStringList{"ReLU 'act' input 'in' is connected to missing output port 1 of "
                       "Linear 'fc1'"}
        << QStringList{};

    QTest::newRow("two edges into one port") << R"({
        "nodes": [["in", "Input"], ["other", "Input"], ["act", "ReLU"]],
        "edges": [["in", "act"], ["other", "act"]]})"
        << QStringList{"ReLU 'act' input 'in' has more than one connection"} << QStringList{};

    QTest::newRow("independent failures") << R"({
        "nodes": [["in", "Input", {"shape": [10]}], ["conv1", "Conv2d"],
                  ["fc1", "Linear", {"in_features": 5}],
                  ["cat", "Concat"], ["out", "Output"]],
        "edges": [["in", "conv1"], ["in", "fc1"], ["conv1", "cat", 0], ["fc1", "cat", 1],
                  ["cat", "out"]]})"
        << QStringList{"Conv2d 'conv1' expects a [channels, height, width] input, got [10]",
                       "Linear 'fc1' expects 5 input features, got 10"}
        << QStringList{"cat", "out"};

    QTest::newRow("own problem behind a failure") << R"({
        "nodes": [["in", "Input"], ["x", "Mystery"], ["add1", "Add"], ["out", "Output"]],
        "edges": [["in", "x"], ["x", "add1", 0], ["add1", "out"]]})"
        << QStringList{"Mystery 'x' has an unknown layer type",
                       "Add 'add1' input 'in2' is not connected"}
        << QStringList{"out"};
}

void TestGraph::invalidGraphs()
{
    QFETCH(QString, graph);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, unresolved);
    Graph g = graphFromJson(graph);

    ShapeReport report = inferShapes(g, registry());
    QCOMPARE(toQStringList(report.errors), errors);
    QVERIFY(!report.ok());
    QVERIFY(isTopological(g, report.order));

    // Each error sits on the node it names.
    QStringList nodeErrors;
    for (NodeId id : report.order) {
        if (!report.nodes.at(id).error.empty())
            nodeErrors << QString::fromStdString(report.nodes.at(id).error);
    }
    QCOMPARE(nodeErrors, errors);
    for (const QString& name : unresolved) {
        const NodeShapes& shapes = report.nodes.at(g.nodeByName(name.toStdString())->id);
        QVERIFY2(shapes.outputs.empty(), qPrintable(name));
        QVERIFY2(shapes.error.empty(), qPrintable(name));
    }
}

void TestGraph::cycleLeavesOrderEmpty()
{
    // canConnect refuses cycles, so build one with addEdge directly.
    Graph graph = graphFromJson(R"({
        "nodes": [["in", "Input", {"shape": [4]}], ["merge", "Add"], ["a", "ReLU"], ["b", "Tanh"],
                  ["after", "ReLU"], ["out", "Output"]],
        "edges": [["in", "merge", 0], ["merge", "a"], ["a", "b"], ["b", "after"],
                  ["after", "out"]]})");
    const NodeId b = graph.nodeByName("b")->id;
    const NodeId merge = graph.nodeByName("merge")->id;
    QCOMPARE(QString::fromStdString(graph.canConnect({b, 0, merge, 1}, registry())),
             QString("would create a cycle: Add 'merge' already leads to Tanh 'b'"));
    graph.addEdge({b, 0, merge, 1});
    QVERIFY(graph.reaches(merge, merge));

    ShapeReport report = inferShapes(graph, registry());
    QCOMPARE(toQStringList(report.errors), QStringList{"cycle: 'merge' -> 'a' -> 'b' -> 'merge'"});
    QVERIFY(report.order.empty());
    QCOMPARE(report.nodes.size(), graph.nodes().size());
    // Nodes ahead of the cycle still get their shapes; the rest stay unresolved.
    QCOMPARE(flowingShape(report, graph.nodeByName("in")->id), QString("[4]"));
    for (const char* name : {"merge", "a", "b", "after", "out"}) {
        const NodeShapes& shapes = report.nodes.at(graph.nodeByName(name)->id);
        QVERIFY2(shapes.outputs.empty() && shapes.error.empty(), name);
    }

    // A two-node loop reads the same way, whichever node was added first.
    Graph loop = graphFromJson(R"({
        "nodes": [["x", "ReLU"], ["y", "ReLU"]], "edges": [["y", "x"], ["x", "y"]]})");
    QCOMPARE(toQStringList(inferShapes(loop, registry()).errors),
             QStringList{"cycle: 'x' -> 'y' -> 'x'"});
}

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
