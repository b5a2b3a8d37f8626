#pragma once

// A graph written as PyTorch code from each layer's LayerCode: the forward
// of the exported Python package and of the TorchScript file, one statement
// per layer in the graph's order, with the graph's names.

#include "graph/graph.h"
#include "graph/layercode.h"
#include "graph/shapeinference.h"

#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

struct LayerCodeEntry {
    NodeId id = 0;
    std::string identifier; // the node's name as a Python identifier: "fc1", "conv_1"
    LayerCode code;         // placeholders filled in, but {self}
};

struct ModelCode {
    std::string className; // from the project's name: "SpiralMlp"
    std::string inputName; // the forward's argument: the Input node's identifier
    // The layers the Output needs, in an order that computes every input
    // before its use; Input and Output included.
    std::vector<LayerCodeEntry> layers;

    // The forward's statements, not indented, in Python or in TorchScript
    // (where submodules are called through their forward method).
    std::vector<std::string> forward(bool script) const;
    // The source of each distinct helper class the modules need.
    std::vector<std::string> helperSources() const;
};

// Throws ExportError naming the layer when a layer has no code form or the
// graph does not resolve (its first shape problem).
ModelCode modelCode(const Graph& graph, const ShapeReport& shapes, const LayerRegistry& registry,
                    const std::string& className);

// "spiral-mlp" -> "SpiralMlp"; "Model" when nothing usable is left.
std::string pythonClassName(const std::string& name);
// A node name as a Python identifier: "conv 1" -> "conv_1", "2nd" -> "layer_2nd".
std::string pythonIdentifier(const std::string& name);

} // namespace lepton
