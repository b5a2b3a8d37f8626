#pragma once

// The engine's side of a layer: what a builder in core/layers/ returns, and
// the helpers builders share. Includes LibTorch: for lepton_engine only.

#include "graph/graph.h"
#include "graph/layercontext.h"
#include "graph/shapeinference.h"

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lepton {

using Tensors = std::vector<torch::Tensor>;

// Runs one node: its input ports in order -> one tensor per output port.
// `training` is the GraphModule's mode, for parameter-free ops that depend on
// it (Dropout).
using LayerForward = std::function<Tensors(const Tensors& inputs, bool training)>;

// What one node becomes in the model. Only layers with weights or buffers
// have a module, so adding or removing the others (activations, Dropout,
// pooling, merges) leaves a saved model loadable. The forward function holds
// the module it calls, which the GraphModule registers.
struct BuiltLayer {
    std::shared_ptr<torch::nn::Module> module;
    LayerForward forward;
};

// A layer with one input and one output computed by `op`, no weights.
template <typename Op>
BuiltLayer unaryOp(Op op)
{
    return {nullptr, [op](const Tensors& in, bool) { return Tensors{op(in.at(0))}; }};
}

// The module's own single-tensor forward, behind the holder that keeps it alive.
template <typename Holder>
BuiltLayer moduleLayer(Holder holder)
{
    return {holder.ptr(),
            [holder](const Tensors& in, bool) mutable { return Tensors{holder->forward(in.at(0))}; }};
}

// True when `type` (LayerSpec::type) has a builder.
bool hasBuilder(const std::string& type);

// Throws ModelError naming the node when its type has no builder.
BuiltLayer buildLayer(const LayerContext& context);

} // namespace lepton
