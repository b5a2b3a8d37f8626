#include "project/projectfromdata.h"

#include "graph/layerregistry.h"
#include "graph/shapeinference.h"

#include <filesystem>
#include <optional>
#include <stdexcept>

namespace lepton {

namespace {

namespace fs = std::filesystem;

// Absolute paths, or relative ones for data inside `projectFolder` (when
// the project has a folder yet).
void storePaths(DatasetSpec& spec, const std::optional<fs::path>& projectFolder)
{
    const DataSourceSpec& source = *DataSourceRegistry::builtin().find(spec.source);
    for (const auto& [param, path] : dataPaths(source, spec.params)) {
        const fs::path absolute = fs::absolute(path).lexically_normal();
        const fs::path relative = projectFolder ? absolute.lexically_relative(*projectFolder) : fs::path();
        const bool inside = !relative.empty() && *relative.begin() != "..";
        spec.params[param] = (inside ? relative : absolute).string();
    }
}

} // namespace

DataProject projectFromData(DatasetSpec spec, const std::string& projectFile, const Graph* network,
                            const std::atomic<bool>* stop)
{
    const LayerRegistry& registry = LayerRegistry::builtin();
    const DataLoadContext context{{}, stop};
    const Dataset train = loadDataset(spec, context).train;
    if (context.stopRequested())
        throw DataCancelled();
    const DataInterface data = dataInterface(train);

    Project project;
    project.name = projectFile.empty() ? train.name : fs::path(projectFile).stem().string();
    if (network) {
        project.graph = *network;
        const std::vector<std::string> problems = fitNetworkToData(project.graph, data, registry);
        if (!problems.empty())
            throw std::runtime_error(problems.front());
    } else {
        project.graph = starterNetwork(data, registry);
    }
    const ShapeReport shapes = inferShapes(project.graph, registry);
    if (!shapes.ok()) {
        std::string message = "the network does not fit the data:";
        for (const std::string& error : shapes.errors)
            message += "\n" + error;
        throw std::runtime_error(message);
    }

    // Tables train best standardized; images and token ids as they come.
    if (train.featureShape.size() == 1 && train.featureDType == DType::Float32)
        spec.preprocessing["normalize"] = "standardize";
    project.training.loss =
        data.task == TaskType::Classification ? LossKind::CrossEntropy : LossKind::MSE;
    std::optional<fs::path> folder;
    if (!projectFile.empty())
        folder = fs::absolute(projectFile).lexically_normal().parent_path();
    storePaths(spec, folder);
    project.dataset = std::move(spec);
    return {std::move(project), data};
}

} // namespace lepton
