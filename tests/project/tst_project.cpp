#include "data/datasetspec.h"
#include "graph/layerregistry.h"
#include "graph/shapeinference.h"
#include "project/project.h"
#include "util/atomicfile.h"

#include "common/largeprojects.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include <sys/stat.h>
#include <unistd.h>

using namespace lepton;
using nlohmann::json;

namespace {

const LayerRegistry& registry()
{
    return LayerRegistry::builtin();
}

Node makeNode(NodeId id, const std::string& name, const std::string& type, json params, Position position)
{
    Node node;
    node.id = id;
    node.name = name;
    node.type = type;
    node.params = std::move(params);
    node.position = position;
    return node;
}

void connect(Graph& graph, NodeId from, int fromPort, NodeId to, int toPort)
{
    const Edge edge{from, fromPort, to, toPort};
    QCOMPARE(QString::fromStdString(graph.canConnect(edge, registry())), QString());
    graph.addEdge(edge);
}

// Two branches merged by Add, then Concat of the sum and both branches.
Project mergeProject(bool idxData)
{
    Project project;
    project.name = "Merge \u00e9tude";
    Graph& g = project.graph;
    g.addNode(makeNode(1, "input", "Input", {{"shape", {4}}}, {0, 0}));
    g.addNode(makeNode(2, "fc1", "Linear", {{"out_features", 8}}, {120.5, -40.25}));
    g.addNode(makeNode(3, "fc2", "Linear", {{"in_features", 4}, {"out_features", 8}, {"bias", false}}, {120, 40}));
    g.addNode(makeNode(5, "sum", "Add", json::object(), {240, 0}));
    g.addNode(makeNode(7, "cat", "Concat", {{"inputs", 3}, {"dim", -1}}, {360, 0.1}));
    g.addNode(makeNode(8, "drop", "Dropout", {{"p", 0.3}}, {480, 0}));
    g.addNode(makeNode(9, "output", "Output", json::object(), {600, 0}));
    connect(g, 1, 0, 2, 0);
    connect(g, 1, 0, 3, 0);
    connect(g, 2, 0, 5, 0);
    connect(g, 3, 0, 5, 1);
    connect(g, 5, 0, 7, 0);
    connect(g, 2, 0, 7, 1);
    connect(g, 3, 0, 7, 2);
    connect(g, 7, 0, 8, 0);
    connect(g, 8, 0, 9, 0);

    DatasetSpec& data = project.dataset;
    if (idxData) {
        data.source = "idx";
        data.params = {{"train_images", "data/train-images.gz"},
                       {"train_labels", "data/train-labels.gz"},
                       {"test_images", "/abs/t10k-images.gz"},
                       {"test_labels", "/abs/t10k-labels.gz"}};
        data.preprocessing = {{"normalize", "standardize"}};
        data.augmentation = {{"flip", "horizontal"}, {"crop_padding", 2}, {"rotation", 7.5},
                             {"translation", 0.1}, {"noise", 0.01}, {"erasing", 0.25}};
        data.classNames = {"T-shirt/top", "Trouser", "\u00dcberzieher"};
    } else {
        data.params = {{"generator", "moons"}, {"samples", 4321}, {"test_samples", 100},
                       {"classes", 2}, {"noise", 0.07}, {"seed", 2147483647}};
        data.split = {{"validation", 0.1}, {"test", 0.15}, {"seed", 12}, {"stratify", false}};
        data.target = DatasetSpec::Target::Input; // an autoencoder
    }

    TrainingConfig& training = project.training;
    training.optimizer = OptimizerKind::SGD;
    training.learningRate = 0.0125;
    training.momentum = 0.5;
    training.weightDecay = 1e-4;
    training.loss = LossKind::MSE;
    training.batchSize = 32;
    training.epochs = 3;
    training.seed = 99;
    training.device = "cuda:1";

    project.ui = {{"zoom", 1.5}, {"selected", {2, 5}}, {"panels", {{"dashboard", true}}}};
    return project;
}

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A small valid project as JSON, which the bad-file rows break one way each.
json validJson()
{
    Project project;
    Graph& g = project.graph;
    g.addNode(makeNode(1, "input", "Input", {{"shape", {4}}}, {}));
    g.addNode(makeNode(2, "fc1", "Linear", {{"out_features", 8}}, {}));
    g.addNode(makeNode(3, "act", "ReLU", json::object(), {}));
    g.addNode(makeNode(4, "sum", "Add", json::object(), {}));
    g.addNode(makeNode(5, "out", "Output", json::object(), {}));
    g.addEdge({1, 0, 2, 0});
    g.addEdge({2, 0, 3, 0});
    g.addEdge({2, 0, 4, 0});
    g.addEdge({3, 0, 4, 1});
    g.addEdge({4, 0, 5, 0});
    return json::parse(projectToJson(project).dump());
}

json edgeJson(NodeId from, int fromPort, NodeId to, int toPort)
{
    return {{"from", {{"node", from}, {"port", fromPort}}}, {"to", {{"node", to}, {"port", toPort}}}};
}

QByteArray broken(const std::function<void(json&)>& change)
{
    json document = validJson();
    change(document);
    return QByteArray::fromStdString(document.dump(2));
}

} // namespace

class TestProject : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void keyOrder();
    void defaults();
    void badFiles_data();
    void badFiles();
    void schema1ExamplesMigrate_data();
    void schema1ExamplesMigrate();
    void missingFile();
    void atomicSaveLeavesNoTemp();
    void largeHostileProjectsLoadWhole();
    void unreadableFilesAreRefusedAtOnce_data();
    void unreadableFilesAreRefusedAtOnce();
    void savesRespectLinksPermissionsAndLongNames();
    void atomicSaveKeepsOldFile_data();
    void atomicSaveKeepsOldFile();

private:
    QTemporaryDir m_dir;
};

void TestProject::roundTrip_data()
{
    QTest::addColumn<bool>("idxData");
    QTest::newRow("idx data") << true;
    QTest::newRow("synthetic data") << false;
}

void TestProject::roundTrip()
{
    QFETCH(bool, idxData);
    const Project original = mergeProject(idxData);
    const std::string first = m_dir.filePath(QStringLiteral("first.lepton")).toStdString();
    const std::string second = m_dir.filePath(QStringLiteral("second.lepton")).toStdString();
    saveProject(original, first);
    const Project loaded = loadProject(first, registry());

    QCOMPARE(loaded.name, original.name);
    QCOMPARE(loaded.graph.nodes().size(), original.graph.nodes().size());
    for (size_t i = 0; i < original.graph.nodes().size(); ++i) {
        const Node& a = original.graph.nodes()[i];
        const Node& b = loaded.graph.nodes()[i];
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.name, a.name);
        QCOMPARE(b.type, a.type);
        QCOMPARE(b.params, a.params);
        QCOMPARE(b.position.x, a.position.x);
        QCOMPARE(b.position.y, a.position.y);
    }
    QCOMPARE(loaded.graph.edges(), original.graph.edges());
    QCOMPARE(loaded.graph.nextId(), 10);

    const DatasetSpec& d = loaded.dataset;
    QCOMPARE(d.source, original.dataset.source);
    // Every group reads back complete: what was set, and the defaults for the rest.
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(d.source);
    QVERIFY(source);
    QCOMPARE(d.params, withDefaults(source->params, original.dataset.params));
    QCOMPARE(d.split, withDefaults(splitSchema(), original.dataset.split));
    QCOMPARE(d.preprocessing, withDefaults(preprocessingSchema(), original.dataset.preprocessing));
    QCOMPARE(d.augmentation, withDefaults(augmentationSchema(), original.dataset.augmentation));
    QCOMPARE(d.classNames, original.dataset.classNames);
    QCOMPARE(d.target, original.dataset.target);

    const TrainingConfig& t = loaded.training;
    // Compared as their file spellings: lepton::toString shadows QTest's for these enums.
    QCOMPARE(lepton::toString(t.optimizer), lepton::toString(original.training.optimizer));
    QCOMPARE(t.learningRate, original.training.learningRate);
    QCOMPARE(t.momentum, original.training.momentum);
    QCOMPARE(t.weightDecay, original.training.weightDecay);
    QCOMPARE(lepton::toString(t.loss), lepton::toString(original.training.loss));
    QCOMPARE(t.batchSize, original.training.batchSize);
    QCOMPARE(t.epochs, original.training.epochs);
    QCOMPARE(t.seed, original.training.seed);
    QCOMPARE(t.device, original.training.device);
    QCOMPARE(loaded.ui, original.ui);

    saveProject(loaded, second);
    const QByteArray text = readBytes(QString::fromStdString(first));
    QVERIFY(text.endsWith("}\n"));
    QVERIFY(text.startsWith("{\n  \"schema_version\": 2,\n  \"name\": "));
    QCOMPARE(readBytes(QString::fromStdString(second)), text);
}

void TestProject::keyOrder()
{
    const nlohmann::ordered_json document = projectToJson(mergeProject(false));
    auto keys = [](const nlohmann::ordered_json& object) {
        QStringList names;
        for (auto it = object.begin(); it != object.end(); ++it)
            names << QString::fromStdString(it.key());
        return names.join(QLatin1Char(','));
    };
    QCOMPARE(keys(document), QStringLiteral("schema_version,name,graph,dataset,training,ui"));
    QCOMPARE(keys(document["graph"]["nodes"][0]), QStringLiteral("id,name,type,params,position"));
    QCOMPARE(keys(document["graph"]["edges"][0]), QStringLiteral("from,to"));
    QCOMPARE(keys(document["dataset"]),
             QStringLiteral("source,params,split,preprocessing,augmentation,target"));
    QCOMPARE(keys(document["dataset"]["params"]),
             QStringLiteral("generator,samples,test_samples,classes,noise,seed"));
    QCOMPARE(keys(document["dataset"]["split"]), QStringLiteral("validation,test,seed,stratify"));
    QCOMPARE(keys(document["dataset"]["augmentation"]),
             QStringLiteral("flip,crop_padding,rotation,translation,noise,erasing"));
    // Every training setting, in the schema's order (the editor's).
    QStringList settings;
    for (const ParamSpec& spec : trainingSchema())
        settings << QString::fromStdString(spec.name);
    QCOMPARE(keys(document["training"]), settings.join(QLatin1Char(',')));
    const nlohmann::ordered_json idx = projectToJson(mergeProject(true))["dataset"];
    QCOMPARE(keys(idx), QStringLiteral("source,params,split,preprocessing,augmentation,class_names"));
    QCOMPARE(keys(idx["params"]), QStringLiteral("train_images,train_labels,test_images,test_labels"));
}

void TestProject::defaults()
{
    const json minimal = {{"schema_version", 1},
                          {"graph", {{"nodes", {{{"id", 4}, {"name", "x"}, {"type", "Input"}}}},
                                     {"edges", json::array()}}},
                          {"dataset", json::object()},
                          {"training", json::object()}};
    const Project project = projectFromJson(minimal, registry());
    QCOMPARE(project.name, std::string());
    QCOMPARE(project.graph.nodes().size(), size_t(1));
    const Node& node = project.graph.nodes().front();
    QCOMPARE(node.params, json::object());
    QCOMPARE(node.position.x, 0.0);
    QCOMPARE(node.position.y, 0.0);
    QCOMPARE(project.ui, json::object());

    const DatasetSpec dataDefaults;
    QCOMPARE(project.dataset.source, dataDefaults.source);
    QCOMPARE(project.dataset.params,
             withDefaults(DataSourceRegistry::builtin().find("synthetic")->params, json::object()));
    QCOMPARE(splitSettings(project.dataset).validation, SplitSettings().validation);
    QCOMPARE(splitSettings(project.dataset).seed, SplitSettings().seed);
    const TrainingConfig trainingDefaults;
    QCOMPARE(lepton::toString(project.training.optimizer), lepton::toString(trainingDefaults.optimizer));
    QCOMPARE(project.training.learningRate, trainingDefaults.learningRate);
    QCOMPARE(project.training.batchSize, trainingDefaults.batchSize);
    QCOMPARE(project.training.epochs, trainingDefaults.epochs);
    QCOMPARE(project.training.device, trainingDefaults.device);
}

void TestProject::badFiles_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("path");     // expected ProjectError::jsonPath()
    QTest::addColumn<QString>("fragment"); // expected in the problem

    QTest::newRow("missing schema version") << broken([](json& j) { j.erase("schema_version"); })
                                            << "schema_version" << "required key is missing";
    QTest::newRow("missing edges") << broken([](json& j) { j["graph"].erase("edges"); })
                                   << "graph.edges" << "required key is missing";
    QTest::newRow("missing node type") << broken([](json& j) { j["graph"]["nodes"][2].erase("type"); })
                                       << "graph.nodes[2].type" << "required key is missing";
    QTest::newRow("wrong type") << broken([](json& j) { j["training"]["epochs"] = "ten"; })
                                << "training.epochs" << "must be an integer, got \"ten\"";
    QTest::newRow("nodes not an array") << broken([](json& j) { j["graph"]["nodes"] = json::object(); })
                                        << "graph.nodes" << "expected an array, got object";
    QTest::newRow("unknown layer") << broken([](json& j) { j["graph"]["nodes"][1]["type"] = "Linaer"; })
                                   << "graph.nodes[1].type" << "unknown layer type 'Linaer'";
    QTest::newRow("bad param")
        << broken([](json& j) { j["graph"]["nodes"][1]["params"]["out_features"] = 0; })
        << "graph.nodes[1].params.out_features" << "out_features";
    QTest::newRow("unknown param") << broken([](json& j) { j["graph"]["nodes"][1]["params"]["units"] = 3; })
                                   << "graph.nodes[1].params.units" << "units";
    QTest::newRow("unknown node key") << broken([](json& j) { j["graph"]["nodes"][0]["pos"] = {1, 2}; })
                                      << "graph.nodes[0].pos" << "unknown key 'pos'";
    QTest::newRow("unknown training key") << broken([](json& j) { j["training"]["learnig_rate"] = 0.1; })
                                          << "training.learnig_rate" << "unknown parameter 'learnig_rate'";
    QTest::newRow("param of another source")
        << broken([](json& j) { j["dataset"]["params"]["train_images"] = "x"; })
        << "dataset.params.train_images" << "unknown parameter 'train_images'";
    QTest::newRow("unknown dataset key") << broken([](json& j) { j["dataset"]["generator"] = "moons"; })
                                         << "dataset.generator" << "unknown key";
    QTest::newRow("duplicate id") << broken([](json& j) { j["graph"]["nodes"][3]["id"] = 2; })
                                  << "graph.nodes[3].id" << "duplicate node id 2";
    QTest::newRow("duplicate name") << broken([](json& j) { j["graph"]["nodes"][4]["name"] = "act"; })
                                    << "graph.nodes[4].name" << "duplicate node name 'act'";
    QTest::newRow("cycle") << broken([](json& j) {
        j["graph"]["edges"][1] = edgeJson(4, 0, 3, 0); // sum -> act while act -> sum
    }) << "graph.edges[3]" << "cycle";
    QTest::newRow("edge to missing port") << broken([](json& j) { j["graph"]["edges"][4] = edgeJson(4, 0, 5, 1); })
                                          << "graph.edges[4]" << "no input port 1";
    QTest::newRow("edge to missing node") << broken([](json& j) { j["graph"]["edges"][0] = edgeJson(1, 0, 12, 0); })
                                          << "graph.edges[0]" << "12";
    QTest::newRow("negative port") << broken([](json& j) { j["graph"]["edges"][0]["to"]["port"] = -1; })
                                   << "graph.edges[0].to.port" << "must be";
    QTest::newRow("newer schema") << broken([](json& j) { j["schema_version"] = kProjectSchemaVersion + 1; })
                                  << "schema_version" << "written by a newer version";
    QTest::newRow("unknown optimizer") << broken([](json& j) { j["training"]["optimizer"] = "adamax"; })
                                       << "training.optimizer" << "must be one of 'adam', 'adamw', 'sgd'";
    QTest::newRow("learning rate") << broken([](json& j) { j["training"]["learning_rate"] = 0; })
                                   << "training.learning_rate" << "must be between 1e-12 and 100, got 0";
    QTest::newRow("huge weight decay") << broken([](json& j) { j["training"]["weight_decay"] = 1e308; })
                                       << "training.weight_decay" << "must be between 0 and 10";
    QTest::newRow("class weight") << broken([](json& j) { j["training"]["class_weights"] = {1, -2}; })
                                  << "training.class_weights" << "values must be between 0 and";
    QTest::newRow("unknown schedule") << broken([](json& j) { j["training"]["schedule"] = "sawtooth"; })
                                      << "training.schedule" << "must be one of 'constant'";
    QTest::newRow("validation split") << broken([](json& j) { j["dataset"]["split"]["validation"] = 1.5; })
                                      << "dataset.split.validation" << "must be between 0 and 0.9";
    QTest::newRow("nothing left to train on")
        << broken([](json& j) { j["dataset"]["split"] = {{"validation", 0.5}, {"test", 0.5}}; })
        << "dataset.split" << "must leave some data to train on";
    QTest::newRow("split seed") << broken([](json& j) { j["dataset"]["split"]["seed"] = -1; })
                                << "dataset.split.seed" << "must be between 0";
    QTest::newRow("unknown normalization")
        << broken([](json& j) { j["dataset"]["preprocessing"]["normalize"] = "zscore"; })
        << "dataset.preprocessing.normalize" << "must be one of 'none', 'standardize', 'minmax'";
    QTest::newRow("rotation") << broken([](json& j) { j["dataset"]["augmentation"]["rotation"] = 270; })
                              << "dataset.augmentation.rotation" << "must be between 0 and 180";
    QTest::newRow("unknown data source") << broken([](json& j) { j["dataset"]["source"] = "parquet"; })
                                         << "dataset.source" << "unknown data source 'parquet'";
    QTest::newRow("unknown generator") << broken([](json& j) { j["dataset"]["params"]["generator"] = "spiro"; })
                                       << "dataset.params.generator" << "must be one of 'spiral'";
    QTest::newRow("no samples") << broken([](json& j) { j["dataset"]["params"]["samples"] = -5; })
                                << "dataset.params.samples" << "must be";
    QTest::newRow("negative noise") << broken([](json& j) { j["dataset"]["params"]["noise"] = -0.1; })
                                    << "dataset.params.noise" << "must be between 0";
    QTest::newRow("NUL in a path")
        << broken([](json& j) {
               j["dataset"] = {{"source", "idx"}, {"params", {{"train_images", std::string("a\0b", 3)}}}};
           })
        << "dataset.params.train_images" << "NUL";
    QTest::newRow("unknown target") << broken([](json& j) { j["dataset"]["target"] = "pixels"; })
                                    << "dataset.target" << "unknown target 'pixels'";
    QTest::newRow("unknown device") << broken([](json& j) { j["training"]["device"] = "cuda:1234"; })
                                    << "training.device" << "unknown device 'cuda:1234'";
    QTest::newRow("largest node id") << broken([](json& j) { j["graph"]["nodes"][0]["id"] = INT32_MAX; })
                                     << "graph.nodes[0].id" << "must be";
    QTest::newRow("nested too deep") << [] {
        json project = json::parse(broken([](json&) {}).toStdString());
        std::string deep = std::string(300000, '[') + std::string(300000, ']');
        std::string text = project.dump();
        return QByteArray::fromStdString(text.insert(text.rfind('}'), ", \"ui\": " + deep));
    }() << "" << "nested more than 64 levels deep";
    QTest::newRow("number too large") << [] {
        std::string text = broken([](json&) {}).toStdString();
        return QByteArray::fromStdString(text.insert(text.rfind('}'), ", \"ui\": 1e999"));
    }() << "" << "number 1e999 is out of range (beyond 1.8e308)";
    QTest::newRow("number too large, placed") << QByteArray("{\n  \"schema_version\": 2,\n  \"x\": 1e400\n}\n") << ""
                                              << "line 3, column 8: number 1e400 is out of range";
    QTest::newRow("syntax error") << QByteArray("{\n  \"schema_version\": 1,\n  \"graph\": {,\n}\n") << ""
                                  << "line 3, column";
}

void TestProject::badFiles()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, path);
    QFETCH(QString, fragment);
    const QString file = m_dir.filePath(QStringLiteral("bad.lepton"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write(text);
    out.close();

    try {
        loadProject(file.toStdString(), registry());
        QFAIL("no ProjectError");
    } catch (const ProjectError& error) {
        const QString message = QString::fromStdString(error.what());
        QCOMPARE(QString::fromStdString(error.file()), file);
        QCOMPARE(QString::fromStdString(error.jsonPath()), path);
        QVERIFY2(message.startsWith(file + QStringLiteral(": ") + (path.isEmpty() ? QString() : path + ": ")),
                 qPrintable(message));
        QVERIFY2(QString::fromStdString(error.problem()).contains(fragment), qPrintable(message));
    }
}

void TestProject::schema1ExamplesMigrate_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("param");    // one source param and its migrated value
    QTest::addColumn<QString>("value");
    QTest::addColumn<double>("validation"); // schema 1's training.validation_split
    QTest::newRow("spiral") << "spiral-mlp.lepton" << "synthetic" << "generator" << "spiral" << 0.2;
    QTest::newRow("fashion-mnist") << "fashion-mnist-cnn.lepton" << "idx" << "train_labels"
                                   << "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"
                                   << 0.1;
}

// The examples as schema 1 wrote them (kept under tests/project/schema1)
// open, keep every setting, and save as schema 2 that reads back the same.
void TestProject::schema1ExamplesMigrate()
{
    QFETCH(QString, file);
    QFETCH(QString, source);
    QFETCH(QString, param);
    QFETCH(QString, value);
    QFETCH(double, validation);
    const std::string path = LEPTON_SOURCE_DIR "/tests/project/schema1/" + file.toStdString();
    const Project project = loadProject(path, registry());
    QCOMPARE(project.dataset.source, source.toStdString());
    QCOMPARE(project.dataset.params.at(param.toStdString()).get<std::string>(), value.toStdString());
    const SplitSettings split = splitSettings(project.dataset);
    QCOMPARE(split.validation, validation);
    QCOMPARE(split.seed, project.training.seed); // the seed schema 1 split with
    QVERIFY(!project.graph.nodes().empty());

    const std::string saved = m_dir.filePath(file).toStdString();
    saveProject(project, saved);
    QVERIFY(readBytes(QString::fromStdString(saved)).contains("\"schema_version\": 2"));
    const Project again = loadProject(saved, registry());
    QCOMPARE(again.dataset.params, project.dataset.params);
    QCOMPARE(again.dataset.split, project.dataset.split);
    QCOMPARE(again.dataset.classNames, project.dataset.classNames);
    QCOMPARE(again.graph.edges(), project.graph.edges());
}

void TestProject::missingFile()
{
    const std::string file = m_dir.filePath(QStringLiteral("nowhere.lepton")).toStdString();
    try {
        loadProject(file, registry());
        QFAIL("no ProjectError");
    } catch (const ProjectError& error) {
        QCOMPARE(error.file(), file);
        QVERIFY2(QString::fromStdString(error.problem()).contains(QStringLiteral("No such file")), error.what());
    }
}

// What is not a regular file, or is far too large, is refused at once,
// before anything is read: a FIFO would block, a device never end.
void TestProject::unreadableFilesAreRefusedAtOnce_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");
    QTest::newRow("FIFO") << "fifo" << "is a FIFO (named pipe), not a file";
    QTest::newRow("device") << "/dev/zero" << "is a device, not a file";
    QTest::newRow("random device") << "/dev/urandom" << "is a device, not a file";
    QTest::newRow("folder") << "folder" << "is a folder, not a file";
    QTest::newRow("symlink loop") << "loop" << "cannot open: Too many levels of symbolic links";
    QTest::newRow("huge") << "huge" << "is 300 MB, more than the 256 MB such a file may be";
}

void TestProject::unreadableFilesAreRefusedAtOnce()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    std::string path = kind.toStdString();
    if (kind == "fifo") {
        path = dir.filePath("pipe.lepton").toStdString();
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
    } else if (kind == "folder") {
        path = dir.filePath("folder.lepton").toStdString();
        QVERIFY(QDir().mkdir(QString::fromStdString(path)));
    } else if (kind == "loop") {
        path = dir.filePath("a.lepton").toStdString();
        const std::string other = dir.filePath("b.lepton").toStdString();
        QCOMPARE(::symlink(other.c_str(), path.c_str()), 0);
        QCOMPARE(::symlink(path.c_str(), other.c_str()), 0);
    } else if (kind == "huge") {
        path = dir.filePath("huge.lepton").toStdString();
        QFile file(QString::fromStdString(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(qint64(300) << 20)); // sparse: no 300 MB written
    }
    try {
        loadProject(path, registry());
        QFAIL("no ProjectError");
    } catch (const ProjectError& error) {
        QCOMPARE(error.file(), path);
        QCOMPARE(QString::fromStdString(error.problem()), reason);
    }
}

void TestProject::atomicSaveLeavesNoTemp()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("net.lepton"));
    saveProject(mergeProject(false), file.toStdString());
    saveProject(mergeProject(true), file.toStdString());
    const QStringList entries = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    QCOMPARE(entries, QStringList{QStringLiteral("net.lepton")});
    QCOMPARE(loadProject(file.toStdString(), registry()).dataset.source, std::string("idx"));
}

// Files of the shapes that once took minutes load whole (bench_project_load
// times them): every node, every edge, the ui kept verbatim.
void TestProject::largeHostileProjectsLoadWhole()
{
    QTemporaryDir dir;
    const auto load = [&](const std::string& text) {
        const std::string path = dir.filePath(QStringLiteral("large.lepton")).toStdString();
        writeFileAtomically(path, text);
        return loadProject(path, LayerRegistry::builtin());
    };
    const Project chain = load(lepton::testing::reversedChain(20000));
    QCOMPARE(chain.graph.nodes().size(), size_t(20002));
    QCOMPARE(chain.graph.edges().size(), size_t(20001));
    QVERIFY(inferShapes(chain.graph, LayerRegistry::builtin()).ok());
    QCOMPARE(load(lepton::testing::unconnected(100000)).graph.nodes().size(), size_t(100000));
    QCOMPARE(load(lepton::testing::emptyObjects(1000000)).ui["many"].size(), size_t(1000000));

    // A cycle in a long chain listed last to first (n1000 fed by n4000 in
    // place of n999): named at the edge that closes it, listed last.
    std::string cyclic = lepton::testing::reversedChain(5000);
    const std::string intoN1000 = lepton::testing::projectEdge(999, 1000) + ", ";
    cyclic.erase(cyclic.find(intoN1000), intoN1000.size());
    cyclic.insert(cyclic.find("]}, \"dataset\""), ", " + lepton::testing::projectEdge(4000, 1000));
    try {
        load(cyclic);
        QFAIL("a cycle was accepted");
    } catch (const ProjectError& error) {
        QCOMPARE(QString::fromStdString(error.jsonPath()), QStringLiteral("graph.edges[5000]"));
        QVERIFY2(QString(error.what()).contains("would create a cycle: ReLU 'n1000' already leads to ReLU 'n4000'"),
                 error.what());
    }
}

// Saving through a symlink writes its target (the link stays), a read-only
// file is refused even for root, a name as long as the system allows saves,
// and what a killed save left behind is cleared by the next.
void TestProject::savesRespectLinksPermissionsAndLongNames()
{
    QTemporaryDir dir;
    const std::string target = dir.filePath("real.lepton").toStdString();
    const std::string link = dir.filePath("link.lepton").toStdString();
    writeFileAtomically(target, "old");
    QCOMPARE(::symlink("real.lepton", link.c_str()), 0);
    writeFileAtomically(link, "new");
    QVERIFY(QFileInfo(QString::fromStdString(link)).isSymLink());
    QCOMPARE(readFile(target), std::string("new"));

    QVERIFY(QFile::setPermissions(QString::fromStdString(target), QFileDevice::ReadOwner | QFileDevice::ReadGroup));
    try {
        writeFileAtomically(target, "lost");
        QFAIL("a read-only file was replaced");
    } catch (const std::runtime_error& error) {
        QVERIFY2(QString(error.what()).contains("the file is read-only"), error.what());
    }
    QCOMPARE(readFile(target), std::string("new"));

    const std::string longName = dir.filePath(QString(240, QLatin1Char('n')) + ".lepton").toStdString();
    writeFileAtomically(longName, "long");
    QCOMPARE(readFile(longName), std::string("long"));

    // A temporary file of a process that cannot exist: Linux pids stop at 2^22.
    const QString orphan = dir.filePath(".fresh.lepton.tmp-4194305-0");
    QFile stale(orphan);
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();
    writeFileAtomically(dir.filePath("fresh.lepton").toStdString(), "saved");
    QVERIFY(!QFile::exists(orphan));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Hidden | QDir::Files).filter(".tmp-").size(), 0);
}

void TestProject::atomicSaveKeepsOldFile_data()
{
    QTest::addColumn<bool>("targetIsFolder");
    QTest::newRow("target is a folder") << true;
    QTest::newRow("folder not writable") << false;
}

void TestProject::atomicSaveKeepsOldFile()
{
    QFETCH(bool, targetIsFolder);
    if (!targetIsFolder && ::geteuid() == 0)
        QSKIP("permissions do not stop root");
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("net.lepton"));
    const QString old = targetIsFolder ? target + QStringLiteral("/keep.txt") : target;
    QVERIFY(!targetIsFolder || QDir(dir.path()).mkdir(QStringLiteral("net.lepton")));
    writeFileAtomically(old.toStdString(), "old contents");
    const QStringList before = QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    if (!targetIsFolder)
        QCOMPARE(::chmod(QFile::encodeName(dir.path()).constData(), 0555), 0);

    QString message;
    try {
        saveProject(mergeProject(false), target.toStdString());
    } catch (const std::runtime_error& error) {
        message = QString::fromStdString(error.what());
    }
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);

    QVERIFY2(message.contains(target), qPrintable(message));
    QCOMPARE(readBytes(old), QByteArray("old contents"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), before);
}

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
