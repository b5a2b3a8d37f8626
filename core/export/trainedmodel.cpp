#include "export/trainedmodel.h"

#include "data/datasplit.h"
#include "export/exporterror.h"
#include "graph/layerregistry.h"
#include "history/runhistory.h"
#include "project/graphjson.h"
#include "project/jsonreader.h"
#include "project/project.h"
#include "train/checkpoint.h"
#include "train/modelrecord.h"
#include "train/trainer.h"

#include <filesystem>

namespace lepton {

namespace {

std::string checkpointFile(const std::string& projectPath, const std::string& checkpoint)
{
    const std::string directory = projectPath + ".d";
    std::string path = checkpoint;
    if (checkpoint == "last" || checkpoint.empty())
        path = lastCheckpointPath(directory);
    else if (checkpoint == "best")
        path = bestCheckpointPath(directory);
    if (!std::filesystem::is_regular_file(path)) {
        const bool named = checkpoint == "last" || checkpoint == "best" || checkpoint.empty();
        throw ExportError(path + ": no such checkpoint"
                          + (named ? std::string("; train the project first (lepton train ") + projectPath + ")"
                                   : std::string()));
    }
    return path;
}

// The run of the project's history that last wrote into the checkpoint's folder.
nlohmann::json recordedRun(const std::string& projectPath, const std::string& checkpointPath)
{
    const std::string historyDir = projectPath + ".d";
    if (!std::filesystem::exists(RunHistory::fileIn(historyDir)))
        return nlohmann::json::object();
    try {
        RunHistory history(historyDir);
        const std::string folder = std::filesystem::path(checkpointPath).parent_path().string();
        const std::optional<int64_t> id = history.latestRun(folder);
        const std::optional<RunRecord> run = id ? history.run(*id) : std::nullopt;
        if (run)
            return {{"id", run->id}, {"name", run->name}, {"started", run->started}};
    } catch (const std::exception&) {
        // An unreadable history costs the metadata its run, not the export.
    }
    return nlohmann::json::object();
}

} // namespace

TrainedModel loadTrainedModel(const std::string& projectPath, const std::string& checkpoint)
{
    const LayerRegistry& registry = LayerRegistry::builtin();
    const Project project = loadProject(projectPath, registry);
    TrainedModel model;
    model.name = project.name.empty() ? std::filesystem::path(projectPath).stem().string() : project.name;
    model.projectPath = projectPath;
    model.checkpointPath = checkpointFile(projectPath, checkpoint);
    Checkpoint saved;
    try {
        saved = readCheckpoint(model.checkpointPath);
    } catch (const std::exception& error) {
        throw ExportError(error.what());
    }
    model.baseDir = std::filesystem::path(projectPath).parent_path().string();
    model.epochsDone = saved.state.value("epochs_done", 0);
    model.run = recordedRun(projectPath, model.checkpointPath);
    model.metrics = saved.state.value("metrics", nlohmann::json::object());
    if (saved.state.contains("model")) {
        model.record = saved.state["model"];
        try {
            model.graph = graphFromJson(JsonReader(model.record.at("graph"), "model.graph"), registry);
            model.dataset = datasetFromJson(model.record.at("dataset"));
        } catch (const std::exception& error) {
            throw ExportError(model.checkpointPath + ": " + error.what());
        }
    } else {
        // Checkpoints from before the record was kept: the project's network
        // and data as they are now, with the normalization fitted again.
        model.graph = project.graph;
        model.dataset = project.dataset;
        TrainingJob job;
        job.graph = project.graph;
        job.dataset = project.dataset;
        job.baseDir = model.baseDir;
        job.config = project.training;
        model.record = modelRecord(job, prepareData(project.dataset, DataLoadContext{job.baseDir, nullptr}));
    }
    model.shapes = inferShapes(model.graph, registry);
    try {
        model.module = GraphModule(model.graph, registry);
    } catch (const std::exception& error) {
        throw ExportError(model.checkpointPath + ": " + error.what());
    }
    const WeightsReport report = loadWeights(model.module, model.graph, saved);
    if (!report.complete())
        throw ExportError(model.checkpointPath + " does not fit the network: " + report.summary());
    model.module->eval();
    return model;
}

} // namespace lepton
