#include "common/graphtestutil.h"

#include <QTest>

#include <stdexcept>

using namespace lepton;
using namespace lepton::testing;

class TestShapes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void layerShapes_data();
    void layerShapes();
    void validGraphs_data();
    void validGraphs();
    void orderIsStable();
    void invalidGraphs_data();
    void invalidGraphs();
    void cycleLeavesOrderEmpty();
    void statusTellsOpenInputsFromMismatches();
};

void TestShapes::layerShapes_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("inputs");
    QTest::addColumn<QString>("expected"); // output shapes, or the full error

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
    row("pool window of absurd work", "MaxPool2d",
        R"({"kernel_size": 2147483647, "padding": 1073741823, "stride": 1})", "[[32, 28, 28]]",
        "MaxPool2d 'layer' kernel 2147483647 reads 1.2e+23 values per sample, beyond the 1e+11 a "
        "layer may take; make it fit the 28x28 input");
    row("pool 1d window of absurd work", "MaxPool1d",
        R"({"kernel_size": 2000000001, "padding": 1000000000, "stride": 1})", "[[1, 100]]",
        "MaxPool1d 'layer' kernel 2000000001 reads 2e+11 values per sample, beyond the 1e+11 a "
        "layer may take; make it fit the 100 input");
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
    // The layers beyond the first seventeen: their rules and their refusals.
    row("conv groups", "Conv2d", R"({"out_channels": 6, "groups": 4})", "[[8, 5, 5]]",
        "Conv2d 'layer' groups 4 must divide 8 input and 6 output channels");
    row("conv dilated too big", "Conv2d", R"({"dilation": 3})", "[[1, 6, 6]]",
        "Conv2d 'layer' kernel 3 with dilation 3 does not fit a 6x6 input");
    row("conv1d", "Conv1d", R"({"out_channels": 4, "stride": 2})", "[[3, 11]]", "[4, 5]");
    row("conv1d image", "Conv1d", "{}", "[[3, 8, 8]]",
        "Conv1d 'layer' expects a [channels, length] input, got [3, 8, 8]");
    row("conv transpose", "ConvTranspose2d", R"({"out_channels": 3})", "[[8, 7, 7]]",
        "[3, 15, 15]");
    row("conv transpose output padding", "ConvTranspose2d", R"({"output_padding": 2})",
        "[[8, 7, 7]]", "ConvTranspose2d 'layer' output_padding 2 must be less than stride 2");
    row("bilinear mismatch", "Bilinear", "{}", "[[3, 5], [4, 6]]",
        "Bilinear 'layer' expects inputs that differ only in the last dimension, got [3, 5] "
        "and [4, 6]");
    row("adaptive pool size", "AdaptiveAvgPool2d", R"({"output_size": [2]})", "[[3, 8, 8]]",
        "AdaptiveAvgPool2d 'layer' needs an output_size of two values (height, width), got [2]");
    row("global pool", "GlobalAvgPool2d", "{}", "[[64, 7, 7]]", "[64]");
    row("layer norm too many dims", "LayerNorm", R"({"normalized_dims": 3})", "[[4, 5]]",
        "LayerNorm 'layer' normalizes 3 dimensions of an input that has only 2");
    row("group norm groups", "GroupNorm", R"({"groups": 3})", "[[8, 4, 4]]",
        "GroupNorm 'layer' groups 3 must divide 8 channels");
    row("lstm", "LSTM", R"({"hidden_size": 32, "bidirectional": true})", "[[20, 8]]",
        "[20, 64], [64]");
    row("lstm flat", "LSTM", "{}", "[[8]]",
        "LSTM 'layer' expects a [length, features] input, got [8]");
    row("gru features", "GRU", R"({"input_size": 4})", "[[20, 8]]",
        "GRU 'layer' expects 4 features per step, got 8");
    row("attention heads", "MultiheadAttention", R"({"num_heads": 3})",
        "[[5, 8], [5, 8], [5, 8]]", "MultiheadAttention 'layer' num_heads 3 must divide 8 features");
    row("attention key value", "MultiheadAttention", "{}", "[[5, 8], [4, 8], [3, 8]]",
        "MultiheadAttention 'layer' key has shape [4, 8] but value has [3, 8]; they must match");
    row("transformer heads", "TransformerEncoderLayer", R"({"nhead": 5})", "[[10, 12]]",
        "TransformerEncoderLayer 'layer' nhead 5 must divide 12 features");
    row("reshape", "Reshape", R"({"shape": [-1, 4]})", "[[2, 3, 4]]", "[6, 4]");
    row("reshape cannot fit", "Reshape", R"({"shape": [-1, 5]})", "[[2, 3, 4]]",
        "Reshape 'layer' cannot fit 24 elements of [2, 3, 4] into shape [-1, 5]");
    row("reshape two open", "Reshape", R"({"shape": [-1, -1]})", "[[24]]",
        "Reshape 'layer' shape [-1, -1] has more than one -1");
    row("reshape count", "Reshape", R"({"shape": [5, 5]})", "[[24]]",
        "Reshape 'layer' shape [5, 5] holds 25 elements, the input [24] holds 24");
    row("permute", "Permute", R"({"dims": [1, 0]})", "[[3, 7]]", "[7, 3]");
    row("permute repeated", "Permute", R"({"dims": [0, 0]})", "[[3, 7]]",
        "Permute 'layer' dims [0, 0] must list each of the 2 dimensions of [3, 7] once");
    row("upsample", "Upsample", R"({"scale_factor": 3})", "[[2, 4, 5]]", "[2, 12, 15]");
    row("multiply mismatch", "Multiply", "{}", "[[4], [5]]",
        "Multiply 'layer' input 2 has shape [5], expected [4] like input 1");
    row("split uneven", "Split", R"({"parts": 3})", "[[4, 10]]",
        "Split 'layer' cannot cut 10 elements of dim -1 into 3 equal parts");
}

void TestShapes::layerShapes()
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
        QStringList outputs;
        for (const TensorType& output : shapes.outputs)
            outputs << QString::fromStdString(tensorTypeToString(output));
        QCOMPARE(outputs.join(", "), expected);
    } else {
        QCOMPARE(toQStringList(report.errors), QStringList{expected});
        QCOMPARE(QString::fromStdString(shapes.error), expected);
        QVERIFY(shapes.outputs.empty());
    }
}

void TestShapes::validGraphs_data()
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

void TestShapes::validGraphs()
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

void TestShapes::orderIsStable()
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

void TestShapes::invalidGraphs_data()
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

void TestShapes::invalidGraphs()
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

void TestShapes::cycleLeavesOrderEmpty()
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

void TestShapes::statusTellsOpenInputsFromMismatches()
{
    Graph graph = graphFromJson(R"({
        "nodes": [["in", "Input", {"shape": [4]}], ["fc", "Linear", {"in_features": 5}],
                  ["after", "ReLU"], ["open", "Add"], ["dup", "ReLU"], ["out", "Output"]],
        "edges": [["in", "fc"], ["fc", "after"], ["in", "open", 0], ["in", "dup"],
                  ["dup", "out"]]})");
    const ShapeReport report = inferShapes(graph, registry());
    auto status = [&](const char* name) {
        return report.nodes.at(graph.nodeByName(name)->id).status;
    };
    QCOMPARE(status("in"), NodeStatus::Resolved);
    QCOMPARE(status("fc"), NodeStatus::Invalid);
    QCOMPARE(status("after"), NodeStatus::Blocked);
    QCOMPARE(status("open"), NodeStatus::NotConnected);
    QCOMPARE(status("dup"), NodeStatus::Resolved);
    QCOMPARE(status("out"), NodeStatus::Resolved);
    QCOMPARE(QString::fromStdString(report.nodes.at(graph.nodeByName("open")->id).error),
             QString("Add 'open' input 'in2' is not connected"));
}

QTEST_GUILESS_MAIN(TestShapes)
#include "tst_shapes.moc"
