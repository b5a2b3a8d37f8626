#pragma once

#include "graph/graph.h"
#include "graph/shape.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// A graph that cannot become a model (shape errors, no Input/Output, ...);
// the message lists every problem, one per line, each naming its layer.
class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LayerSummary {
    NodeId id = 0;
    std::string name;
    std::string type;
    std::vector<Shape> outputShapes;
    int64_t parameters = 0; // counted on the real module
};

struct ModelSummary {
    std::vector<LayerSummary> layers; // topological order
    int64_t totalParameters = 0;
    int64_t trainableParameters = 0;
};

// Builds the model once on the CPU and counts its parameters per layer.
// Torch-free header: callable from the CLI and GUI. Throws ModelError.
ModelSummary summarizeModel(const Graph& graph, const LayerRegistry& registry);

} // namespace lepton
