#include "export/pythonpackage.h"

#include "export/exporterror.h"
#include "export/exportfile.h"
#include "export/exportmetadata.h"
#include "export/packagescripts.h"
#include "export/statedict.h"
#include "export/trainingdata.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace lepton {

std::string pythonModelSource(const ModelCode& code, const std::string& origin)
{
    std::string source = "\"\"\"" + code.className + ": " + origin + ".\"\"\"\n\n"
                         "import math\n\n"
                         "import torch\n"
                         "from torch import nn\n"
                         "import torch.nn.functional as F\n\n\n";
    for (const std::string& helper : code.helperSources())
        source += helper + "\n\n";
    source += "class " + code.className + "(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n";
    for (const LayerCodeEntry& layer : code.layers) {
        if (!layer.code.module.empty())
            source += "        self." + layer.identifier + " = " + layer.code.module + "\n";
    }
    source += "\n    def forward(self, " + code.inputName + "):\n";
    for (const std::string& line : code.forward(false))
        source += "        " + line + "\n";
    return source;
}

PythonPackage writePythonPackage(const ModelCode& code, TrainedModel& model, const std::string& folder,
                                 const nlohmann::ordered_json& precision, bool half,
                                 const std::function<void(const std::string&)>& step)
{
    step("writing the Python package");
    const fs::path package(folder);
    std::error_code error;
    fs::create_directories(package, error);
    if (error)
        throw ExportError(folder + ": cannot create the folder: " + error.message());
    PythonPackage written;
    const auto wrote = [&](const char* name) { written.files.push_back((package / name).string()); };
    const std::string origin = model.name + ", trained by Lepton Workbench (" + std::to_string(model.epochsDone)
                               + " epochs; checkpoint " + fs::path(model.checkpointPath).filename().string() + ")";
    writeExportFile((package / "model.py").string(), pythonModelSource(code, origin));
    wrote("model.py");
    writeStateDict(stateDict(code, model.module, half), (package / "weights.pt").string());
    wrote("weights.pt");
    const nlohmann::ordered_json files = {{"code", "model.py"}, {"class", code.className}, {"weights", "weights.pt"}};
    writeExportFile((package / "metadata.json").string(), exportMetadata(model, files, precision).dump(2) + "\n");
    wrote("metadata.json");
    for (const PackageScript& script : packageScripts()) {
        writeExportFile((package / script.name).string(), script.source);
        wrote(script.name);
    }
    step("writing the training data for train.py");
    try {
        written.withData = writeTrainingData(model.dataset, model.baseDir, (package / "data.npz").string());
    } catch (const std::exception& failure) {
        throw ExportError(std::string("the training data for train.py: ") + failure.what());
    }
    if (written.withData)
        wrote("data.npz");
    return written;
}

} // namespace lepton
