#include "commands.h"

#include "data/datasetspec.h"
#include "graph/layerregistry.h"
#include "graph/shapeinference.h"
#include "project/project.h"
#include "project/starternetwork.h"

#include <filesystem>
#include <iostream>

namespace lepton::cli {
namespace {

namespace fs = std::filesystem;

// Data inside the project's folder is stored relative to it, so the folder
// can move as a whole; anything else keeps an absolute path.
void storePathsFor(DatasetSpec& spec, const fs::path& projectFolder)
{
    const DataSourceSpec& source = *DataSourceRegistry::builtin().find(spec.source);
    for (const auto& [param, path] : dataPaths(source, spec.params)) {
        const fs::path absolute = fs::absolute(path).lexically_normal();
        const fs::path relative = absolute.lexically_relative(projectFolder);
        const bool inside = !relative.empty() && *relative.begin() != "..";
        spec.params[param] = (inside ? relative : absolute).string();
    }
}

Graph templateNetwork(const std::string& name)
{
    fs::path file = fs::path(LEPTON_TEMPLATE_DIR) / name;
    if (file.extension() != ".lepton")
        file += ".lepton";
    if (!fs::exists(file)) {
        std::string known;
        for (const auto& entry : fs::directory_iterator(LEPTON_TEMPLATE_DIR)) {
            if (entry.path().extension() == ".lepton")
                known += (known.empty() ? "" : ", ") + entry.path().stem().string();
        }
        throw std::runtime_error("no template named '" + name + "' (expected one of " + known + ")");
    }
    return loadProject(file.string(), LayerRegistry::builtin()).graph;
}

} // namespace

int runNew(const NewOptions& options)
{
    const LayerRegistry& registry = LayerRegistry::builtin();
    const fs::path out = fs::absolute(options.outPath).lexically_normal();
    if (fs::exists(out) && !options.force)
        throw std::runtime_error(out.string() + " already exists; pass --force to replace it");

    Project project;
    project.name = out.stem().string();
    std::tie(project.dataset, std::ignore) = dataAt(options.dataPath, options.target);
    const Dataset train = loadDataset(project.dataset, {}).train;
    const DataInterface data = dataInterface(train);

    if (options.templateName.empty()) {
        project.graph = starterNetwork(data, registry);
    } else {
        project.graph = templateNetwork(options.templateName);
        const std::vector<std::string> problems = fitNetworkToData(project.graph, data, registry);
        if (!problems.empty())
            throw std::runtime_error("template '" + options.templateName + "': " + problems.front());
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
        project.dataset.preprocessing = {{"normalize", "standardize"}};
    project.training.loss =
        data.task == TaskType::Classification ? LossKind::CrossEntropy : LossKind::MSE;
    storePathsFor(project.dataset, out.parent_path());
    saveProject(project, out.string());

    std::cout << "wrote " << out.string() << ": " << project.graph.nodes().size() << " layers for "
              << tensorTypeToString(data.input) << " samples, "
              << (data.task == TaskType::Classification
                      ? std::to_string(data.outputs) + " classes"
                      : std::to_string(data.outputs) + " target values")
              << "\ntrain it with: lepton train " << options.outPath << '\n';
    return 0;
}

} // namespace lepton::cli
