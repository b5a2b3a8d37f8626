#pragma once

#include "export/modelcode.h"

#include <string>

namespace lepton {

// model.py of the exported Python package: the helper classes the layers
// need, and an nn.Module whose attributes carry the graph's names and whose
// forward follows the graph, one statement per layer.
std::string pythonModelSource(const ModelCode& code, const std::string& origin);

} // namespace lepton
