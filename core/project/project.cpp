#include "project/project.h"

#include "graph/layerregistry.h"
#include "project/blockjson.h"
#include "project/graphjson.h"
#include "project/jsonreader.h"
#include "util/atomicfile.h"

namespace lepton {

namespace {

std::string joinMessage(const std::string& file, const std::string& jsonPath, const std::string& problem)
{
    std::string message;
    for (const std::string* part : {&file, &jsonPath}) {
        if (!part->empty())
            message += *part + ": ";
    }
    return message + problem;
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

} // namespace

ProjectError::ProjectError(const std::string& file, const std::string& jsonPath, const std::string& problem)
    : std::runtime_error(joinMessage(file, jsonPath, problem))
    , m_file(file)
    , m_jsonPath(jsonPath)
    , m_problem(problem)
{
}

void checkSchemaVersion(const JsonReader& version)
{
    const int64_t schema = version.toInt();
    if (schema > kProjectSchemaVersion)
        version.fail("written by a newer version of Lepton Workbench (schema " + std::to_string(schema)
                     + ", this version reads up to " + std::to_string(kProjectSchemaVersion) + ")");
    if (schema < 1)
        version.fail("unsupported schema version " + std::to_string(schema));
}

Project projectFromJson(const nlohmann::json& json, const LayerRegistry& registry)
{
    const JsonReader root(json, {});
    root.rejectUnknownKeys(
        {"schema_version", "name", "graph", "blocks", "groups", "dataset", "training", "ui"});
    checkSchemaVersion(root.at("schema_version"));

    Project project;
    root.read("name", project.name);
    project.graph = graphFromJson(root.at("graph"), registry);
    if (auto blocks = root.find("blocks"))
        project.blocks = blocksFromJson(*blocks, registry);
    if (auto groups = root.find("groups"))
        project.groups = groupsFromJson(*groups, project.graph, project.blocks);
    project.dataset = readDataset(root.at("dataset"));
    project.training = readTraining(root.at("training"));
    if (auto ui = root.find("ui"))
        project.ui = ui->expectObject().value();
    return project;
}

nlohmann::ordered_json projectToJson(const Project& project)
{
    nlohmann::ordered_json json = {{"schema_version", kProjectSchemaVersion},
                                   {"name", project.name},
                                   {"graph", graphToJson(project.graph)}};
    // Written only when there are some, so files without blocks stay as they were.
    if (!project.blocks.empty())
        json["blocks"] = blocksToJson(project.blocks);
    if (!project.groups.empty())
        json["groups"] = groupsToJson(project.groups);
    json["dataset"] = datasetToJson(project.dataset);
    json["training"] = trainingToJson(project.training);
    json["ui"] = nlohmann::ordered_json(project.ui);
    return json;
}

Project loadProject(const std::string& path, const LayerRegistry& registry)
{
    const nlohmann::json json = readJsonFile(path);
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
