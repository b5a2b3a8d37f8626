#pragma once

#include "graph/graph.h"
#include "graph/shape.h"

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// Runs one node: its input ports in order -> its single output. `training`
// is the GraphModule's mode, for parameter-free ops that depend on it (Dropout).
using LayerForward =
    std::function<torch::Tensor(const std::vector<torch::Tensor>& inputs, bool training)>;

// What one node becomes in the model. Only layers with weights or buffers
// have a module, so adding or removing the others (activations, Dropout,
// pooling, merges) leaves a saved model loadable. The forward function holds
// the module it calls, which the GraphModule registers.
struct BuiltLayer {
    std::shared_ptr<torch::nn::Module> module;
    LayerForward forward;
};

// A node after shape inference: builders take in_features / in_channels of 0
// from the inferred input shapes.
struct LayerContext {
    const Node& node;
    const LayerRegistry& registry;
    const std::vector<Shape>& inputShapes;
};

// True when `type` (LayerSpec::type) has a builder.
bool hasBuilder(const std::string& type);

// Throws ModelError naming the node when its type has no builder.
BuiltLayer buildLayer(const LayerContext& context);

} // namespace lepton
