#pragma once

#include "export/modelcode.h"
#include "export/trainedmodel.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace lepton {

// model.py of the exported Python package: the helper classes the layers
// need, and an nn.Module whose attributes carry the graph's names and whose
// forward follows the graph, one statement per layer.
std::string pythonModelSource(const ModelCode& code, const std::string& origin);

struct PythonPackage {
    std::vector<std::string> files; // every file written
    bool withData = false;          // data.npz: left out above kMaxExportedDataBytes
};

// Writes the package into `folder`: model.py, weights.pt (float16 with
// `half`), metadata.json, the fixed scripts (packagescripts.h) and data.npz
// for train.py (trainingdata.h). Reports its steps to `step`. Throws
// ExportError naming the file.
PythonPackage writePythonPackage(const ModelCode& code, TrainedModel& model, const std::string& folder,
                                 const nlohmann::ordered_json& precision, bool half,
                                 const std::function<void(const std::string&)>& step);

} // namespace lepton
