#include "project/project.h"

#include "graph/layerregistry.h"
#include "project/jsonreader.h"
#include "util/atomicfile.h"

#include <algorithm>
#include <system_error>
#include <tuple>

namespace lepton {

namespace {

// Leaves room for Graph to hand out the next id.
constexpr int64_t kMaxNodeId = INT32_MAX - 1;
// Far deeper than any project; keeps recursive JSON copies off the stack's edge.
constexpr int kMaxJsonDepth = 64;

std::string joinMessage(const std::string& file, const std::string& jsonPath, const std::string& problem)
{
    std::string message;
    for (const std::string* part : {&file, &jsonPath}) {
        if (!part->empty())
            message += *part + ": ";
    }
    return message + problem;
}

// The path of the parameter that fails on its own, so an editor can point at
// it; the whole params object when only the combination is wrong.
std::string badParamPath(const Node& node, const LayerRegistry& registry, const std::string& paramsPath)
{
    for (const auto& [name, value] : node.params.items()) {
        Node single = node;
        single.params = nlohmann::json::object({{name, value}});
        if (!registry.validateParams(single).empty())
            return paramsPath + "." + name;
    }
    return paramsPath;
}

Node readNode(const JsonReader& json, const LayerRegistry& registry)
{
    json.rejectUnknownKeys({"id", "name", "type", "params", "position"});
    Node node;
    node.id = static_cast<NodeId>(json.at("id").toInt(1, kMaxNodeId));
    const JsonReader name = json.at("name");
    node.name = name.toString();
    if (node.name.empty())
        name.fail("must not be empty");
    const JsonReader type = json.at("type");
    node.type = type.toString();
    if (!registry.find(node.type))
        type.fail("unknown layer type '" + node.type + "'");
    if (auto params = json.find("params")) {
        node.params = params->expectObject().value();
        const std::string problem = registry.validateParams(node);
        if (!problem.empty())
            throw ProjectError({}, badParamPath(node, registry, params->path()), problem);
    }
    if (auto position = json.find("position")) {
        position->rejectUnknownKeys({"x", "y"});
        position->read("x", node.position.x);
        position->read("y", node.position.y);
    }
    return node;
}

// Reads {"node": id, "port": n}.
std::pair<NodeId, int> readEndpoint(const JsonReader& json)
{
    json.rejectUnknownKeys({"node", "port"});
    return {static_cast<NodeId>(json.at("node").toInt(1, kMaxNodeId)),
            static_cast<int>(json.at("port").toInt(0, INT32_MAX))};
}

Graph readGraph(const JsonReader& json, const LayerRegistry& registry)
{
    json.rejectUnknownKeys({"nodes", "edges"});
    Graph graph;
    const JsonReader nodes = json.at("nodes");
    for (size_t i = 0; i < nodes.size(); ++i) {
        const JsonReader item = nodes.at(i);
        Node node = readNode(item, registry);
        if (graph.node(node.id))
            item.at("id").fail("duplicate node id " + std::to_string(node.id));
        if (graph.nodeByName(node.name))
            item.at("name").fail("duplicate node name '" + node.name + "'");
        graph.addNode(std::move(node));
    }
    const JsonReader edges = json.at("edges");
    for (size_t i = 0; i < edges.size(); ++i) {
        const JsonReader item = edges.at(i);
        item.rejectUnknownKeys({"from", "to"});
        Edge edge;
        std::tie(edge.fromNode, edge.fromPort) = readEndpoint(item.at("from"));
        std::tie(edge.toNode, edge.toPort) = readEndpoint(item.at("to"));
        const std::string problem = graph.canConnect(edge, registry);
        if (!problem.empty())
            item.fail(problem);
        graph.addEdge(edge);
    }
    return graph;
}

DatasetSpec readDataset(const JsonReader& json)
{
    DatasetSpec spec;
    std::string source = "synthetic";
    json.read("source", source);
    if (source == "synthetic") {
        json.rejectUnknownKeys({"source", "generator", "samples", "test_samples", "classes", "noise",
                                "seed", "class_names", "target"});
        json.read("generator", spec.generator);
        if (spec.generator != "spiral" && spec.generator != "moons" && spec.generator != "sine")
            json.at("generator").fail("unknown generator '" + spec.generator
                                      + "' (expected spiral, moons or sine)");
        json.read("samples", spec.samples, 1);
        json.read("test_samples", spec.testSamples, 0);
        json.read("classes", spec.classes, 2);
        json.read("noise", spec.noise);
        if (!(spec.noise >= 0.0))
            json.at("noise").fail("must be 0 or more");
        json.read("seed", spec.seed);
    } else if (source == "idx") {
        spec.source = DatasetSpec::Source::Idx;
        json.rejectUnknownKeys({"source", "train_images", "train_labels", "test_images", "test_labels",
                                "class_names", "target"});
        json.read("train_images", spec.trainImages);
        json.read("train_labels", spec.trainLabels);
        json.read("test_images", spec.testImages);
        json.read("test_labels", spec.testLabels);
    } else {
        json.at("source").fail("unknown data source '" + source + "' (expected synthetic or idx)");
    }
    if (auto names = json.find("class_names")) {
        for (size_t i = 0; i < names->size(); ++i)
            spec.classNames.push_back(names->at(i).toString());
    }
    if (auto target = json.find("target")) {
        const std::string value = target->toString();
        if (value == "input")
            spec.target = DatasetSpec::Target::Input;
        else if (value != "labels")
            target->fail("unknown target '" + value + "' (expected labels or input)");
    }
    return spec;
}

TrainingConfig readTraining(const JsonReader& json)
{
    json.rejectUnknownKeys({"optimizer", "learning_rate", "momentum", "weight_decay", "loss",
                            "batch_size", "epochs", "seed", "validation_split", "device"});
    TrainingConfig config;
    if (auto optimizer = json.find("optimizer")) {
        auto kind = optimizerFromString(optimizer->toString());
        if (!kind)
            optimizer->fail("unknown optimizer '" + optimizer->toString() + "' (expected adam or sgd)");
        config.optimizer = *kind;
    }
    if (auto loss = json.find("loss")) {
        auto kind = lossFromString(loss->toString());
        if (!kind)
            loss->fail("unknown loss '" + loss->toString() + "' (expected cross_entropy or mse)");
        config.loss = *kind;
    }
    json.read("learning_rate", config.learningRate);
    json.read("momentum", config.momentum);
    json.read("weight_decay", config.weightDecay);
    json.read("batch_size", config.batchSize, 1);
    json.read("epochs", config.epochs, 1);
    json.read("seed", config.seed);
    json.read("validation_split", config.validationSplit);
    json.read("device", config.device);

    if (!(config.learningRate > 0.0))
        json.at("learning_rate").fail("must be greater than 0");
    if (config.momentum < 0.0)
        json.at("momentum").fail("must be 0 or more");
    if (config.weightDecay < 0.0)
        json.at("weight_decay").fail("must be 0 or more");
    if (config.validationSplit < 0.0 || config.validationSplit >= 1.0)
        json.at("validation_split").fail("must be at least 0 and below 1");
    if (!parseDeviceName(config.device))
        json.at("device").fail("unknown device '" + config.device + "' (expected cpu, cuda or cuda:N)");
    return config;
}

nlohmann::ordered_json graphToJson(const Graph& graph)
{
    nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
    for (const Node& node : graph.nodes()) {
        nodes.push_back({{"id", node.id},
                         {"name", node.name},
                         {"type", node.type},
                         {"params", nlohmann::ordered_json(node.params)},
                         {"position", {{"x", node.position.x}, {"y", node.position.y}}}});
    }
    nlohmann::ordered_json edges = nlohmann::ordered_json::array();
    for (const Edge& edge : graph.edges()) {
        edges.push_back({{"from", {{"node", edge.fromNode}, {"port", edge.fromPort}}},
                         {"to", {{"node", edge.toNode}, {"port", edge.toPort}}}});
    }
    return {{"nodes", std::move(nodes)}, {"edges", std::move(edges)}};
}

nlohmann::ordered_json datasetToJson(const DatasetSpec& spec)
{
    nlohmann::ordered_json json;
    if (spec.source == DatasetSpec::Source::Idx) {
        json = {{"source", "idx"},
                {"train_images", spec.trainImages},
                {"train_labels", spec.trainLabels},
                {"test_images", spec.testImages},
                {"test_labels", spec.testLabels},
                {"class_names", spec.classNames}};
    } else {
        json = {{"source", "synthetic"},
                {"generator", spec.generator},
                {"samples", spec.samples},
                {"test_samples", spec.testSamples},
                {"classes", spec.classes},
                {"noise", spec.noise},
                {"seed", spec.seed}};
        if (!spec.classNames.empty())
            json["class_names"] = spec.classNames;
    }
    // Written only when set, so label-trained projects keep their files as they were.
    if (spec.target == DatasetSpec::Target::Input)
        json["target"] = "input";
    return json;
}

nlohmann::ordered_json trainingToJson(const TrainingConfig& config)
{
    return {{"optimizer", toString(config.optimizer)},
            {"learning_rate", config.learningRate},
            {"momentum", config.momentum},
            {"weight_decay", config.weightDecay},
            {"loss", toString(config.loss)},
            {"batch_size", config.batchSize},
            {"epochs", config.epochs},
            {"seed", config.seed},
            {"validation_split", config.validationSplit},
            {"device", config.device}};
}

// nlohmann's message reads "[json.exception.parse_error.101] parse error at
// line L, column C: <what>"; keep it from "line" on.
std::string syntaxProblem(const nlohmann::json::parse_error& error)
{
    const std::string message = error.what();
    const size_t line = message.find("line ");
    return line == std::string::npos ? "invalid JSON near byte " + std::to_string(error.byte) + ": " + message
                                     : message.substr(line);
}

} // namespace

ProjectError::ProjectError(const std::string& file, const std::string& jsonPath, const std::string& problem)
    : std::runtime_error(joinMessage(file, jsonPath, problem))
    , m_file(file)
    , m_jsonPath(jsonPath)
    , m_problem(problem)
{
}

Project projectFromJson(const nlohmann::json& json, const LayerRegistry& registry)
{
    const JsonReader root(json, {});
    root.rejectUnknownKeys({"schema_version", "name", "graph", "dataset", "training", "ui"});
    const JsonReader version = root.at("schema_version");
    const int64_t schema = version.toInt();
    if (schema > kProjectSchemaVersion)
        version.fail("written by a newer version of Lepton Workbench (schema " + std::to_string(schema)
                     + ", this version reads up to " + std::to_string(kProjectSchemaVersion) + ")");
    if (schema < 1)
        version.fail("unsupported schema version " + std::to_string(schema));

    Project project;
    root.read("name", project.name);
    project.graph = readGraph(root.at("graph"), registry);
    project.dataset = readDataset(root.at("dataset"));
    project.training = readTraining(root.at("training"));
    if (auto ui = root.find("ui"))
        project.ui = ui->expectObject().value();
    return project;
}

nlohmann::ordered_json projectToJson(const Project& project)
{
    return {{"schema_version", kProjectSchemaVersion},
            {"name", project.name},
            {"graph", graphToJson(project.graph)},
            {"dataset", datasetToJson(project.dataset)},
            {"training", trainingToJson(project.training)},
            {"ui", nlohmann::ordered_json(project.ui)}};
}

Project loadProject(const std::string& path, const LayerRegistry& registry)
{
    std::string text;
    try {
        text = readFile(path);
    } catch (const std::system_error& error) {
        throw ProjectError(path, {}, "cannot read the file: " + error.code().message());
    }
    // Copying JSON recurses once per level: a hostile file must not overflow the stack.
    const auto limitDepth = [&path](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > kMaxJsonDepth)
            throw ProjectError(path, {}, "nested more than " + std::to_string(kMaxJsonDepth)
                                             + " levels deep");
        return true;
    };
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(text, limitDepth);
    } catch (const nlohmann::json::parse_error& error) {
        throw ProjectError(path, {}, syntaxProblem(error));
    }
    try {
        return projectFromJson(json, registry);
    } catch (const ProjectError& error) {
        throw ProjectError(path, error.jsonPath(), error.problem());
    }
}

void saveProject(const Project& project, const std::string& path)
{
    // Invalid UTF-8 in a name must not make the save throw halfway.
    const std::string text = projectToJson(project).dump(2, ' ', false,
                                                          nlohmann::json::error_handler_t::replace);
    writeFileAtomically(path, text + "\n");
}

} // namespace lepton
