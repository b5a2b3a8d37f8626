#pragma once

#include "graph/graph.h"
#include "graph/shape.h"
#include "model/modelerror.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;
struct ShapeReport;

struct LayerSummary {
    NodeId id = 0;
    std::string name;
    std::string type;
    std::vector<TensorType> outputs;
    int64_t parameters = 0;
    int64_t macs = 0; // multiply-adds per sample
};

struct ModelSummary {
    std::vector<LayerSummary> layers; // topological order
    int64_t totalParameters = 0;
    int64_t trainableParameters = 0;
    int64_t macs = 0; // multiply-adds per sample, all layers
    // Elements of every layer output for one sample: what backpropagation
    // keeps between the forward and the backward pass.
    int64_t activationElements = 0;
    NodeId inputNode = 0;
    NodeId outputNode = 0;

    // Rough memory for one training step with float32 weights: weights,
    // gradients and two optimizer moments (Adam), plus each sample's
    // activations and their gradients.
    int64_t trainingBytes(int64_t batchSize) const;
};

// Why the graph cannot become a model: every shape problem, plus a missing or
// repeated Input or Output layer. Empty when it can.
std::vector<std::string> modelProblems(const Graph& graph, const ShapeReport& shapes);

// Layers, shapes and parameter counts worked out from shape inference alone:
// nothing is allocated, so editors can call it after every edit.
// Throws ModelError listing modelProblems() when there are any.
ModelSummary summarizeModel(const Graph& graph, const LayerRegistry& registry);
ModelSummary summarizeModel(const Graph& graph, const ShapeReport& shapes);

} // namespace lepton
