#include "common/graphtestutil.h"
#include "graph/block.h"

#include <QTest>

#include <set>
#include <stdexcept>

using namespace lepton;
using namespace lepton::testing;

namespace {

Node placedLayer(const std::string& type, const std::string& name, json params, Position position)
{
    Node node = makeLayer(type, name, std::move(params));
    node.position = position;
    return node;
}

void connect(Graph& graph, BlockPort from, BlockPort to)
{
    const Edge edge{from.node, from.port, to.node, to.port};
    QCOMPARE(QString::fromStdString(graph.canConnect(edge, registry())), QString());
    graph.addEdge(edge);
}

// input -> fc1 -> act -> fc2 -> sum -> output, with the skip input -> sum.
// Ids 1..6 in that order.
Graph residualGraph()
{
    Graph graph;
    const NodeId input = graph.addNode(placedLayer("Input", "input", {{"shape", {16}}}, {0, 0}));
    const NodeId fc1 = graph.addNode(placedLayer("Linear", "fc1", {{"out_features", 16}}, {150, 20}));
    const NodeId act = graph.addNode(placedLayer("ReLU", "act", json::object(), {300, 20}));
    const NodeId fc2 = graph.addNode(placedLayer("Linear", "fc2", {{"out_features", 16}}, {450, 20}));
    const NodeId sum = graph.addNode(placedLayer("Add", "sum", json::object(), {600, 80}));
    const NodeId output = graph.addNode(placedLayer("Output", "output", json::object(), {750, 80}));
    connect(graph, {input, 0}, {fc1, 0});
    connect(graph, {fc1, 0}, {act, 0});
    connect(graph, {act, 0}, {fc2, 0});
    connect(graph, {fc2, 0}, {sum, 0});
    connect(graph, {input, 0}, {sum, 1});
    connect(graph, {sum, 0}, {output, 0});
    return graph;
}

std::vector<NodeId> idsOf(const Graph& graph, const QStringList& names)
{
    std::vector<NodeId> ids;
    for (const QString& name : names) {
        const Node* node = graph.nodeByName(name.toStdString());
        ids.push_back(node ? node->id : 99);
    }
    return ids;
}

BlockDefinition residualBlock()
{
    const Graph graph = residualGraph();
    BlockDefinition block = blockFromSelection(graph, idsOf(graph, {"fc1", "act", "fc2", "sum"}), "res",
                                               registry());
    block.description = "Two Linear layers with a skip connection";
    return block;
}

// Input, `copies` instances of `block` in a chain, Output; one group each.
void stampChain(const BlockDefinition& block, int copies, Graph& graph, std::vector<NodeGroup>& groups)
{
    BlockPort previous{graph.addNode(placedLayer("Input", "input", {{"shape", {16}}}, {0, 0})), 0};
    for (int i = 0; i < copies; ++i) {
        const BlockInstance instance = instantiateBlock(block, graph, {200.0 + 700 * i, 40}, registry());
        for (const BlockPort& input : instance.inputs)
            connect(graph, previous, input);
        previous = instance.outputs.front();
        groups.push_back({uniqueGroupName(groups, block.name), block.name, instance.nodes});
    }
    const NodeId output = graph.addNode(placedLayer("Output", "output", json::object(), {2400, 0}));
    connect(graph, previous, {output, 0});
}

QStringList nodeNames(const Graph& graph, const std::vector<NodeId>& ids)
{
    QStringList names;
    for (NodeId id : ids)
        names << QString::fromStdString(graph.node(id)->name);
    return names;
}

} // namespace

class TestBlocks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void blockFromResidualSelection();
    void residualChainInfersShapes();
    void selectionRefused_data();
    void selectionRefused();
    void instantiateRefusesUnknownLayer();
};

void TestBlocks::blockFromResidualSelection()
{
    const BlockDefinition block = residualBlock();
    QCOMPARE(block.name, std::string("res"));
    QCOMPARE(nodeNames(block.graph, {1, 2, 3, 4}), QStringList({"fc1", "act", "fc2", "sum"}));
    QCOMPARE(block.graph.edges().size(), size_t(3)); // the skip comes from outside
    // Relative to the selection's top-left corner (150, 20).
    QCOMPARE(block.graph.node(1)->position.x, 0.0);
    QCOMPARE(block.graph.node(1)->position.y, 0.0);
    QCOMPARE(block.graph.node(4)->position.x, 450.0);
    QCOMPARE(block.graph.node(4)->position.y, 60.0);
    QVERIFY(block.graph.node(1)->params == json({{"out_features", 16}}));
    // Top to bottom: fc1's input, then the skip into sum's second input.
    QCOMPARE(block.inputs, (std::vector<BlockPort>{{1, 0}, {4, 1}}));
    QCOMPARE(block.outputs, (std::vector<BlockPort>{{4, 0}}));
}

void TestBlocks::residualChainInfersShapes()
{
    Graph graph;
    std::vector<NodeGroup> groups;
    stampChain(residualBlock(), 3, graph, groups);
    QCOMPARE(graph.nodes().size(), size_t(14));

    const ShapeReport report = inferShapes(graph, registry());
    QVERIFY2(report.ok(), qPrintable(toQStringList(report.errors).join('\n')));
    QCOMPARE(flowingShape(report, graph.nodeByName("output")->id), QStringLiteral("[16]"));

    // The first copy keeps the definition's names, later ones number on.
    QCOMPARE(nodeNames(graph, groups[0].nodes), QStringList({"fc1", "act", "fc2", "sum"}));
    QCOMPARE(nodeNames(graph, groups[2].nodes), QStringList({"fc5", "act2", "fc6", "sum2"}));
    std::set<std::string> names;
    for (const Node& node : graph.nodes())
        names.insert(node.name);
    QCOMPARE(names.size(), graph.nodes().size());

    QCOMPARE(groups[1].name, std::string("res2"));
    const Node* firstOfSecond = graph.node(groups[1].nodes.front());
    QCOMPARE(firstOfSecond->position.x, 900.0);
    QCOMPARE(firstOfSecond->position.y, 40.0);

    // The middle copy: two wires in from the first copy's sum, two out to the third.
    const std::vector<Edge> boundary = boundaryEdges(graph, groups[1].nodes);
    QCOMPARE(boundary.size(), size_t(4));
    auto wiresFrom = [&boundary](NodeId id) {
        const auto from = [id](const Edge& e) { return e.fromNode == id; };
        return int(std::count_if(boundary.begin(), boundary.end(), from));
    };
    QCOMPARE(wiresFrom(groups[0].nodes.back()), 2);
    QCOMPARE(wiresFrom(groups[1].nodes.back()), 2);
}

void TestBlocks::selectionRefused_data()
{
    QTest::addColumn<QStringList>("selection");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("reason");

    QTest::newRow("empty") << QStringList() << "res" << "select the layers";
    QTest::newRow("no name") << QStringList{"fc1"} << "" << "a block needs a name";
    QTest::newRow("missing node") << QStringList{"fc1", "nowhere"} << "res" << "node 99 does not exist";
    QTest::newRow("input") << QStringList{"input", "fc1"} << "res"
                           << "Input 'input' cannot be part of a block";
    QTest::newRow("output") << QStringList{"sum", "output"} << "res"
                            << "Output 'output' cannot be part of a block";
    QTest::newRow("detour through one layer")
        << QStringList{"fc1", "fc2"} << "res"
        << "a path leaves the selection at Linear 'fc1' and comes back into Linear 'fc2' through ReLU 'act'";
    QTest::newRow("detour through two layers")
        << QStringList{"fc1", "sum"} << "res"
        << "a path leaves the selection at Linear 'fc1' and comes back into Add 'sum' through Linear 'fc2'";
}

void TestBlocks::selectionRefused()
{
    QFETCH(QStringList, selection);
    QFETCH(QString, name);
    QFETCH(QString, reason);
    const Graph graph = residualGraph();
    try {
        blockFromSelection(graph, idsOf(graph, selection), name.toStdString(), registry());
        QFAIL("the selection was accepted");
    } catch (const std::invalid_argument& error) {
        QVERIFY2(QString::fromUtf8(error.what()).contains(reason), error.what());
    }
}

void TestBlocks::instantiateRefusesUnknownLayer()
{
    BlockDefinition block = residualBlock();
    block.graph.node(2)->type = "Relu";
    Graph graph = residualGraph();
    try {
        instantiateBlock(block, graph, {}, registry());
        QFAIL("the block was stamped out");
    } catch (const std::invalid_argument& error) {
        QVERIFY2(QString::fromUtf8(error.what()).startsWith("block 'res': Relu 'act': unknown layer type"),
                 error.what());
    }
    QCOMPARE(graph.nodes().size(), size_t(6));
}

QTEST_GUILESS_MAIN(TestBlocks)
#include "tst_blocks.moc"
