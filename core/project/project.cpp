#include "project/project.h"

#include "graph/layerregistry.h"
#include "project/blockjson.h"
#include "project/graphjson.h"
#include "project/jsonreader.h"
#include "util/atomicfile.h"
#include "util/displaytext.h"

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

// Schema 1 kept a source's params beside "source" and the validation split
// in "training"; schema 2 nests the params and gives the split its own seed
// (the training seed, so a migrated project splits from the same seed).
void migrateFromSchema1(nlohmann::json& json)
{
    if (!json.is_object() || !json.contains("dataset") || !json["dataset"].is_object())
        return;
    nlohmann::json& dataset = json["dataset"];
    nlohmann::json params = nlohmann::json::object();
    for (auto it = dataset.begin(); it != dataset.end();) {
        if (it.key() == "source" || it.key() == "class_names" || it.key() == "target") {
            ++it;
            continue;
        }
        params[it.key()] = it.value();
        it = dataset.erase(it);
    }
    if (!dataset.contains("source"))
        dataset["source"] = "synthetic";
    dataset["params"] = std::move(params);

    nlohmann::json split = nlohmann::json::object();
    if (json.contains("training") && json["training"].is_object()) {
        nlohmann::json& training = json["training"];
        if (training.contains("validation_split")) {
            split["validation"] = training["validation_split"];
            training.erase("validation_split");
        }
        if (training.contains("seed") && training["seed"].is_number_unsigned())
            split["seed"] = training["seed"].get<uint64_t>() % 2147483648ull;
    }
    dataset["split"] = std::move(split);
}

// A group's params with every default filled in, in schema order, so saved
// files list every setting and diff cleanly.
nlohmann::ordered_json completeParams(const std::vector<ParamSpec>& schema, const nlohmann::json& params)
{
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    const nlohmann::json complete = withDefaults(schema, params);
    for (const ParamSpec& param : schema)
        json[param.name] = complete.at(param.name);
    return json;
}

DatasetSpec readDataset(const JsonReader& json)
{
    json.rejectUnknownKeys({"source", "params", "split", "preprocessing", "augmentation",
                            "class_names", "target"});
    DatasetSpec spec;
    json.read("source", spec.source);
    for (auto [key, group] : {std::pair{"params", &spec.params}, std::pair{"split", &spec.split},
                              std::pair{"preprocessing", &spec.preprocessing},
                              std::pair{"augmentation", &spec.augmentation}}) {
        if (auto value = json.find(key))
            *group = value->expectObject().value();
    }
    const DatasetProblem problem = datasetProblem(spec);
    if (!problem.empty())
        throw ProjectError({}, json.path() + "." + problem.path, problem.problem);
    // Every group is kept complete, so editors and the engine see each value.
    spec.params = withDefaults(DataSourceRegistry::builtin().find(spec.source)->params, spec.params);
    spec.split = withDefaults(splitSchema(), spec.split);
    spec.preprocessing = withDefaults(preprocessingSchema(), spec.preprocessing);
    spec.augmentation = withDefaults(augmentationSchema(), spec.augmentation);
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
    std::string param;
    const std::string problem = trainingProblem(json.expectObject().value(), &param);
    if (!problem.empty())
        throw ProjectError({}, json.path() + "." + param, problem);
    return trainingFromJson(json.value());
}

} // namespace

DatasetSpec datasetFromJson(const nlohmann::json& json)
{
    return readDataset(JsonReader(json, "dataset"));
}

nlohmann::ordered_json datasetToJson(const DatasetSpec& spec)
{
    nlohmann::ordered_json json = {{"source", spec.source}};
    if (const DataSourceSpec* source = DataSourceRegistry::builtin().find(spec.source))
        json["params"] = completeParams(source->params, spec.params);
    json["split"] = completeParams(splitSchema(), spec.split);
    json["preprocessing"] = completeParams(preprocessingSchema(), spec.preprocessing);
    json["augmentation"] = completeParams(augmentationSchema(), spec.augmentation);
    if (!spec.classNames.empty())
        json["class_names"] = spec.classNames;
    // Written only when set, so label-trained projects keep their files as they were.
    if (spec.target == DatasetSpec::Target::Input)
        json["target"] = "input";
    return json;
}

ProjectError::ProjectError(const std::string& file, const std::string& jsonPath, const std::string& problem)
    : std::runtime_error(displayText(joinMessage(file, jsonPath, problem)))
    , m_file(displayText(file))
    , m_jsonPath(displayText(jsonPath))
    , m_problem(displayText(problem))
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

Project projectFromJson(const nlohmann::json& file, const LayerRegistry& registry)
{
    checkSchemaVersion(JsonReader(file, {}).at("schema_version"));
    nlohmann::json json = file;
    if (json.at("schema_version").get<int64_t>() == 1)
        migrateFromSchema1(json);
    const JsonReader root(json, {});
    root.rejectUnknownKeys(
        {"schema_version", "name", "graph", "blocks", "groups", "dataset", "training", "ui"});

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
