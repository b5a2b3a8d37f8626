#include "common/graphtestutil.h"
#include "graph/block.h"
#include "project/blockjson.h"
#include "project/blocklibrary.h"
#include "project/project.h"
#include "util/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
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

Project chainProject(int copies)
{
    Project project;
    project.name = "chain";
    project.blocks = {residualBlock()};
    stampChain(project.blocks.front(), copies, project.graph, project.groups);
    return project;
}

QStringList nodeNames(const Graph& graph, const std::vector<NodeId>& ids)
{
    QStringList names;
    for (NodeId id : ids)
        names << QString::fromStdString(graph.node(id)->name);
    return names;
}

QStringList keysOf(const nlohmann::ordered_json& object)
{
    QStringList keys;
    for (auto it = object.begin(); it != object.end(); ++it)
        keys << QString::fromStdString(it.key());
    return keys;
}

json chainJson()
{
    Project project = chainProject(2);
    project.groups.back().collapsed = true;
    return json::parse(projectToJson(project).dump());
}

void writeText(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
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
    void projectRoundTrip();
    void filesWithoutBlocksUnchanged_data();
    void filesWithoutBlocksUnchanged();
    void badBlockJson_data();
    void badBlockJson();
    void libraryRoundTrip();
    void blockFileNames_data();
    void blockFileNames();
    void hostileNameStaysInFolder();
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

void TestBlocks::projectRoundTrip()
{
    Project original = chainProject(2);
    original.groups.back().collapsed = true;
    original.groups.push_back({"ends", "", {1, original.graph.nodeByName("output")->id}, false});

    QTemporaryDir dir;
    const std::string path = dir.filePath("chain.lepton").toStdString();
    saveProject(original, path);
    const Project loaded = loadProject(path, registry());

    QCOMPARE(loaded.blocks.size(), size_t(1));
    const BlockDefinition& block = loaded.blocks.front();
    QCOMPARE(block.name, std::string("res"));
    QCOMPARE(block.description, original.blocks.front().description);
    QCOMPARE(block.graph.edges(), original.blocks.front().graph.edges());
    QCOMPARE(block.inputs, original.blocks.front().inputs);
    QCOMPARE(block.outputs, original.blocks.front().outputs);
    QCOMPARE(loaded.groups.size(), size_t(3));
    for (size_t i = 0; i < loaded.groups.size(); ++i) {
        QCOMPARE(loaded.groups[i].name, original.groups[i].name);
        QCOMPARE(loaded.groups[i].block, original.groups[i].block);
        QCOMPARE(loaded.groups[i].nodes, original.groups[i].nodes);
        QCOMPARE(loaded.groups[i].collapsed, original.groups[i].collapsed);
    }
    // Everything else, and the order of every key.
    const nlohmann::ordered_json saved = projectToJson(loaded);
    QCOMPARE(saved.dump(), projectToJson(original).dump());
    QCOMPARE(keysOf(saved).join(','),
             QStringLiteral("schema_version,name,graph,blocks,groups,dataset,training,ui"));
    QCOMPARE(keysOf(saved.at("blocks").at(0)).join(','),
             QStringLiteral("name,description,graph,inputs,outputs"));
    QCOMPARE(keysOf(saved.at("groups").at(0)).join(','), QStringLiteral("name,block,nodes,collapsed"));
    QCOMPARE(saved.at("schema_version").get<int>(), kProjectSchemaVersion);
}

void TestBlocks::filesWithoutBlocksUnchanged_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("spiral-mlp") << "projects/spiral-mlp.lepton";
    QTest::newRow("fashion-mnist-cnn") << "projects/fashion-mnist-cnn.lepton";
}

void TestBlocks::filesWithoutBlocksUnchanged()
{
    QFETCH(QString, file);
    const std::string original = QStringLiteral(LEPTON_SOURCE_DIR "/%1").arg(file).toStdString();
    QTemporaryDir dir;
    const std::string copy = dir.filePath("copy.lepton").toStdString();
    saveProject(loadProject(original, registry()), copy);
    QVERIFY(readFile(copy) == readFile(original));
}

void TestBlocks::badBlockJson_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("problem");
    const auto row = [](const char* name, const std::function<void(json&)>& change, const char* path,
                        const char* problem) {
        json document = chainJson();
        change(document);
        QTest::newRow(name) << QByteArray::fromStdString(document.dump()) << path << problem;
    };

    row("input from a missing node", [](json& j) { j["blocks"][0]["inputs"][1]["node"] = 7; },
        "blocks[0].inputs[1].node", "no node 7 in block 'res'");
    row("missing input port", [](json& j) { j["blocks"][0]["inputs"][0]["port"] = 3; },
        "blocks[0].inputs[0].port", "Linear 'fc1' has no input port 3");
    row("missing output port", [](json& j) { j["blocks"][0]["outputs"][0]["port"] = 1; },
        "blocks[0].outputs[0].port", "Add 'sum' has no output port 1");
    row("input wired inside", [](json& j) { j["blocks"][0]["inputs"][0] = {{"node", 2}, {"port", 0}}; },
        "blocks[0].inputs[0].port", "input 'in' of ReLU 'act' is wired inside block 'res'");
    row("input listed twice", [](json& j) { j["blocks"][0]["inputs"][1] = j["blocks"][0]["inputs"][0]; },
        "blocks[0].inputs[1]", "listed twice");
    row("negative port", [](json& j) { j["blocks"][0]["outputs"][0]["port"] = -1; },
        "blocks[0].outputs[0].port", "must be");
    row("unknown block key", [](json& j) { j["blocks"][0]["ports"] = json::array(); },
        "blocks[0].ports", "unknown key 'ports'");
    row("unnamed block", [](json& j) { j["blocks"][0]["name"] = ""; }, "blocks[0].name", "must not be empty");
    row("duplicate block", [](json& j) { j["blocks"].push_back(j["blocks"][0]); },
        "blocks[1].name", "duplicate block name 'res'");
    row("unknown layer in block", [](json& j) { j["blocks"][0]["graph"]["nodes"][0]["type"] = "Linaer"; },
        "blocks[0].graph.nodes[0].type", "unknown layer type 'Linaer'");
    row("cycle in block",
        [](json& j) {
            j["blocks"][0]["graph"]["edges"].push_back(
                {{"from", {{"node", 4}, {"port", 0}}}, {"to", {{"node", 1}, {"port", 0}}}});
        },
        "blocks[0].graph.edges[3]", "cycle");
    row("missing outputs", [](json& j) { j["blocks"][0].erase("outputs"); }, "blocks[0].outputs",
        "required key is missing");
    row("blocks not an array", [](json& j) { j["blocks"] = json::object(); }, "blocks", "expected an array");
    row("group node missing", [](json& j) { j["groups"][0]["nodes"][1] = 99; }, "groups[0].nodes[1]",
        "no node 99 in the graph");
    row("node in two groups", [](json& j) { j["groups"][1]["nodes"][2] = j["groups"][0]["nodes"][0]; },
        "groups[1].nodes[2]", "node 2 is already in group 'res1'");
    row("group of an unknown block", [](json& j) { j["groups"][0]["block"] = "resnet"; }, "groups[0].block",
        "no block 'resnet' in this project");
    row("duplicate group name", [](json& j) { j["groups"][1]["name"] = "res1"; }, "groups[1].name",
        "duplicate group name 'res1'");
    row("empty group", [](json& j) { j["groups"][0]["nodes"] = json::array(); }, "groups[0].nodes",
        "at least one node");
    row("collapsed not a flag", [](json& j) { j["groups"][1]["collapsed"] = 1; }, "groups[1].collapsed",
        "expected true or false");
    row("unknown group key", [](json& j) { j["groups"][0]["color"] = "red"; }, "groups[0].color",
        "unknown key 'color'");
}

void TestBlocks::badBlockJson()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    QFETCH(QString, problem);
    try {
        projectFromJson(json::parse(document.toStdString()), registry());
        QFAIL("no ProjectError");
    } catch (const ProjectError& error) {
        QCOMPARE(QString::fromStdString(error.jsonPath()), path);
        QVERIFY2(QString::fromStdString(error.problem()).contains(problem), error.what());
    }
}

void TestBlocks::libraryRoundTrip()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath("blocks"); // made by the first save
    QVERIFY(loadBlockLibrary(folder.toStdString(), registry()).blocks.empty());

    const BlockDefinition res = residualBlock();
    const Graph graph = residualGraph();
    const BlockDefinition dense = blockFromSelection(graph, idsOf(graph, {"fc1", "act"}), "dense", registry());
    const std::string resFile = saveBlockToLibrary(res, folder.toStdString());
    QCOMPARE(QString::fromStdString(resFile), folder + "/res.json");
    QCOMPARE(saveBlockToLibrary(dense, folder.toStdString()), (folder + "/dense.json").toStdString());
    // Saving again replaces the block's own file...
    QCOMPARE(saveBlockToLibrary(res, folder.toStdString()), resFile);
    // ...while another block whose name maps to the same file gets its own.
    BlockDefinition other = dense;
    other.name = "res?";
    QCOMPARE(saveBlockToLibrary(other, folder.toStdString()), (folder + "/res-2.json").toStdString());

    writeText(folder + "/broken.json", "{\"schema_version\": 1, \"block\": {,}}\n");
    json badPort = json::parse(readFile(resFile));
    badPort["block"]["name"] = "res-bad";
    badPort["block"]["inputs"][0]["node"] = 7;
    writeText(folder + "/bad-port.json", QByteArray::fromStdString(badPort.dump(2)));
    QVERIFY(QFile::copy(QString::fromStdString(resFile), folder + "/res-copy.json"));
    writeText(folder + "/.res.json.tmp-1-0.json", "half written");
    writeText(folder + "/notes.txt", "not a block");

    const BlockLibrary library = loadBlockLibrary(folder.toStdString(), registry());
    QStringList names;
    for (const BlockDefinition& block : library.blocks)
        names << QString::fromStdString(block.name);
    // In file name order: dense.json, res-2.json, res-copy.json (res.json repeats it).
    QCOMPARE(names, QStringList({"dense", "res?", "res"}));
    QCOMPARE(blockToJson(library.blocks[2]).dump(), blockToJson(res).dump());
    QCOMPARE(blockToJson(library.blocks[0]).dump(), blockToJson(dense).dump());

    const QStringList problems = toQStringList(library.problems);
    QCOMPARE(problems.size(), 3);
    QCOMPARE(problems[0], folder + "/bad-port.json: block.inputs[0].node: no node 7 in block 'res-bad'");
    QVERIFY2(problems[1].startsWith(folder + "/broken.json: line 1, column"), qPrintable(problems[1]));
    // The first file in name order wins, and later saves go to it.
    QCOMPARE(problems[2], folder + "/res.json: block.name: block 'res' is already in res-copy.json");
    QCOMPARE(saveBlockToLibrary(res, folder.toStdString()), (folder + "/res-copy.json").toStdString());
}

void TestBlocks::blockFileNames_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QString>("file");
    QTest::newRow("plain") << QByteArray("res") << "res.json";
    QTest::newRow("path escape") << QByteArray("../x/evil\n") << "x_evil.json";
    QTest::newRow("leading dots") << QByteArray("..hidden") << "hidden.json";
    QTest::newRow("nothing left") << QByteArray("../") << "block.json";
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << "a_b.json";
    QTest::newRow("option-like") << QByteArray("-rf /") << "rf.json";
    QTest::newRow("spaces and accents") << QByteArray("R\xc3\xa9sidu 2") << "R_sidu_2.json";
    QTest::newRow("long") << QByteArray(300, 'a') << QString(64, 'a') + ".json";
}

void TestBlocks::blockFileNames()
{
    QFETCH(QByteArray, name);
    QFETCH(QString, file);
    QCOMPARE(QString::fromStdString(blockFileName(name.toStdString())), file);
}

void TestBlocks::hostileNameStaysInFolder()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath("library/blocks");
    BlockDefinition block = residualBlock();
    block.name = "../x/evil\n";
    const std::string file = saveBlockToLibrary(block, folder.toStdString());
    QCOMPARE(QString::fromStdString(file), folder + "/x_evil.json");
    QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden), QStringList{"x_evil.json"});
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList{"library"});

    const BlockLibrary library = loadBlockLibrary(folder.toStdString(), registry());
    QVERIFY(library.problems.empty());
    QCOMPARE(library.blocks.size(), size_t(1));
    QCOMPARE(library.blocks.front().name, block.name);
}

QTEST_GUILESS_MAIN(TestBlocks)
#include "tst_blocks.moc"
