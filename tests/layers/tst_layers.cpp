// Every built-in layer: its shape rule against the real module. Each row
// builds the layer from the shape report, runs it on a random batch and
// compares every output's shape and dtype, and the weight count, with what
// the rule promised.

#include "graph/layerregistry.h"
#include "graph/shapeinference.h"
#include "model/layerbuilder.h"

#include "common/layercases.h"

#include <QtTest/QtTest>

#include <set>

using namespace lepton;
using nlohmann::json;

namespace {

const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
}

// The layer fed by one Input per port; returns the layer's id.
NodeId feedLayer(Graph& graph, const std::string& type, const json& params, const json& shapes,
                 const std::string& dtype)
{
    Node layer = registry().makeNode(type, graph);
    for (const auto& [name, value] : params.items())
        layer.params[name] = value;
    const NodeId id = graph.addNode(layer);
    int port = 0;
    for (const json& shape : shapes) {
        Node input = registry().makeNode("Input", graph);
        input.params = {{"shape", shape}, {"dtype", dtype}};
        graph.addEdge({graph.addNode(input), 0, id, port++});
    }
    return id;
}

torch::Tensor randomBatch(const TensorType& type, int64_t batch)
{
    std::vector<int64_t> sizes{batch};
    sizes.insert(sizes.end(), type.shape.begin(), type.shape.end());
    if (type.dtype == DType::Int64)
        return torch::randint(0, 10, sizes, torch::kInt64);
    return torch::randn(sizes);
}

QString sampleText(const torch::Tensor& tensor)
{
    Shape shape(tensor.sizes().begin() + 1, tensor.sizes().end());
    const DType dtype = tensor.scalar_type() == torch::kInt64 ? DType::Int64 : DType::Float32;
    return QString::fromStdString(tensorTypeToString({shape, dtype}));
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ruleMatchesModule_data();
    void ruleMatchesModule();
    void everyLayerIsCovered();
    void inferredParamsAreResolved();
    void tokenIdsNeedAnEmbedding();
};

void TestLayers::ruleMatchesModule_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("inputs");
    QTest::addColumn<QString>("dtype");
    for (const LayerCase& c : layerCases())
        QTest::newRow(c.name) << c.type << c.params << c.inputs << c.dtype;
}

void TestLayers::ruleMatchesModule()
{
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, inputs);
    QFETCH(QString, dtype);
    torch::manual_seed(1);
    Graph graph;
    const NodeId id = feedLayer(graph, type.toStdString(), json::parse(params.toStdString()),
                                json::parse(inputs.toStdString()), dtype.toStdString());
    const ShapeReport report = inferShapes(graph, registry());
    QVERIFY2(report.ok(), report.errors.empty() ? "" : report.errors.front().c_str());
    const NodeShapes& shapes = report.nodes.at(id);
    const Node& node = *graph.node(id);

    BuiltLayer layer = buildLayer({node, shapes});
    Tensors batch;
    for (const TensorType& input : shapes.inputs)
        batch.push_back(randomBatch(input, 3));
    if (node.type == "Input")
        batch.push_back(randomBatch(shapes.outputs.at(0), 3));
    if (layer.module)
        layer.module->eval();
    Tensors outputs;
    try {
        outputs = layer.forward(batch, false);
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }

    if (shapes.outputs.empty()) { // Output hands on what reaches it
        QCOMPARE(outputs.size(), size_t(1));
        QVERIFY(outputs[0].equal(batch.at(0)));
    } else {
        QCOMPARE(outputs.size(), shapes.outputs.size());
    }
    for (size_t port = 0; port < shapes.outputs.size(); ++port) {
        QCOMPARE(outputs[port].size(0), int64_t(3));
        QCOMPARE(sampleText(outputs[port]),
                 QString::fromStdString(tensorTypeToString(shapes.outputs[port])));
    }
    int64_t weights = 0;
    if (layer.module) {
        for (const torch::Tensor& parameter : layer.module->parameters())
            weights += parameter.numel();
    }
    QCOMPARE(weights, shapes.parameters);

    // Training mode runs too, and gradients reach every weight it has.
    if (layer.module && !layer.module->parameters().empty()) {
        layer.module->train();
        Tensors trained = layer.forward(batch, true);
        torch::Tensor loss = torch::zeros({});
        for (const torch::Tensor& output : trained)
            loss = loss + output.pow(2).sum();
        loss.backward();
        for (const auto& item : layer.module->named_parameters())
            QVERIFY2(item.value().grad().defined(), item.key().c_str());
    }
}

void TestLayers::everyLayerIsCovered()
{
    std::set<std::string> covered;
    for (const LayerCase& c : layerCases())
        covered.insert(c.type);
    QStringList missing;
    for (const LayerSpec& spec : registry().specs()) {
        QVERIFY2(!spec.description.empty(), spec.type.c_str());
        for (const ParamSpec& param : spec.params)
            QVERIFY2(!param.help.empty(), (spec.type + "." + param.name).c_str());
        QVERIFY2(hasBuilder(spec.type), spec.type.c_str());
        if (!covered.count(spec.type))
            missing << QString::fromStdString(spec.type);
    }
    QCOMPARE(missing, QStringList());
    QVERIFY(registry().specs().size() >= 40);
}

void TestLayers::inferredParamsAreResolved()
{
    Graph graph;
    const NodeId conv = feedLayer(graph, "Conv2d", json::object(), json::parse("[[3, 8, 8]]"),
                                  "float32");
    const NodeId pool = feedLayer(graph, "MaxPool2d", {{"kernel_size", 3}},
                                  json::parse("[[2, 9, 9]]"), "float32");
    const ShapeReport report = inferShapes(graph, registry());
    QVERIFY(report.ok());
    // The node keeps "0 means infer"; the report carries the value used.
    QCOMPARE(graph.node(conv)->params.at("in_channels").get<int>(), 0);
    QCOMPARE(report.nodes.at(conv).params.at("in_channels").get<int>(), 3);
    QCOMPARE(report.nodes.at(conv).params.at("kernel_size").get<int>(), 3);
    QCOMPARE(report.nodes.at(pool).params.at("stride").get<int>(), 3);
    QCOMPARE(report.nodes.at(conv).macs, int64_t(16) * 6 * 6 * 3 * 3 * 3);
}

void TestLayers::tokenIdsNeedAnEmbedding()
{
    Graph graph;
    const NodeId linear = feedLayer(graph, "Linear", json::object(), json::parse("[[5]]"), "int64");
    const NodeId embedding = feedLayer(graph, "Embedding", json::object(), json::parse("[[5]]"),
                                       "float32");
    const ShapeReport report = inferShapes(graph, registry());
    QCOMPARE(QString::fromStdString(report.nodes.at(linear).error),
             QString("Linear 'linear1' input 'in' must be float32, got [5] int64 (token ids go "
                     "through an Embedding first)"));
    QCOMPARE(QString::fromStdString(report.nodes.at(embedding).error),
             QString("Embedding 'embedding1' input 'in' must be int64, got [5]"));

    Graph padded;
    const NodeId id = feedLayer(padded, "Embedding", {{"num_embeddings", 10}, {"padding_idx", 10}},
                                json::parse("[[5]]"), "int64");
    QCOMPARE(QString::fromStdString(inferShapes(padded, registry()).nodes.at(id).error),
             QString("Embedding 'embedding1' padding_idx 10 is not below num_embeddings 10"));
}

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
