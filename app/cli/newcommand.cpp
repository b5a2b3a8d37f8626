#include "commands.h"

#include "graph/layerregistry.h"
#include "project/projectfromdata.h"

#include <filesystem>
#include <iostream>

namespace lepton::cli {
namespace {

namespace fs = std::filesystem;

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
    if (fs::exists(options.outPath) && !options.force)
        throw std::runtime_error(options.outPath + " already exists; pass --force to replace it");
    const DatasetSpec spec = dataAt(options.dataPath, options.target).first;
    DataProject created;
    if (options.templateName.empty()) {
        created = projectFromData(spec, options.outPath);
    } else {
        const Graph network = templateNetwork(options.templateName);
        try {
            created = projectFromData(spec, options.outPath, &network);
        } catch (const DataError&) {
            throw;
        } catch (const std::runtime_error& error) {
            throw std::runtime_error("template '" + options.templateName + "': " + error.what());
        }
    }
    saveProject(created.project, options.outPath);

    const DataInterface& data = created.data;
    std::cout << "wrote " << options.outPath << ": " << created.project.graph.nodes().size()
              << " layers for "
              << tensorTypeToString(data.input) << " samples, "
              << (data.task == TaskType::Classification
                      ? std::to_string(data.outputs) + " classes"
                      : std::to_string(data.outputs) + " target values")
              << "\ntrain it with: lepton train " << options.outPath << '\n';
    return 0;
}

} // namespace lepton::cli
