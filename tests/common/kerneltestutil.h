#pragma once

// For the tests of the engine's own CPU kernels: batch norm modules with
// weights away from their defaults, closeness to a reference, graphs built
// layer by layer, and what an autograd graph holds.

#include "graph/layerregistry.h"

#include <torch/torch.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace lepton::testing {

// Weights in [lowestWeight, 1.5], biases in [-0.5, 0.5], a momentum and eps
// of their own.
inline torch::nn::BatchNorm2d makeNorm(int64_t channels, double lowestWeight = 0.5)
{
    torch::nn::BatchNorm2d norm(torch::nn::BatchNorm2dOptions(channels).momentum(0.3).eps(1e-4));
    torch::NoGradGuard noGrad;
    norm->weight.uniform_(lowestWeight, 1.5);
    norm->bias.uniform_(-0.5, 0.5);
    return norm;
}

inline std::shared_ptr<torch::nn::BatchNorm2dImpl> copyOf(const torch::nn::BatchNorm2dImpl& norm)
{
    return std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(norm.clone());
}

// Adds a built-in layer of `type` with `params` over its defaults.
inline NodeId addLayer(Graph& graph, const std::string& type, const nlohmann::json& params = nlohmann::json::object())
{
    Node node = LayerRegistry::builtin().makeNode(type, graph);
    node.params.update(params);
    return graph.addNode(node);
}

// The largest difference, relative to the reference's largest magnitude
// (or to 1, whichever is more), computed in double.
inline double largestRelativeDifference(const torch::Tensor& ours, const torch::Tensor& theirs)
{
    const double scale = std::max(1.0, theirs.abs().max().item<double>());
    return (ours.to(torch::kDouble) - theirs.to(torch::kDouble)).abs().max().item<double>() / scale;
}

// Whether the autograd graph behind `tensor` holds the node `name`:
// LibTorch's by its own name ("NativeBatchNormBackward0"), the engine's
// functions by theirs ("torch::autograd::CppNode<...::NAME>").
inline bool graphHolds(const torch::Tensor& tensor, const std::string& name)
{
    std::vector<std::shared_ptr<torch::autograd::Node>> pending{tensor.grad_fn()};
    std::set<torch::autograd::Node*> seen;
    while (!pending.empty()) {
        const std::shared_ptr<torch::autograd::Node> node = pending.back();
        pending.pop_back();
        if (!node || !seen.insert(node.get()).second)
            continue;
        const std::string nodeName = node->name();
        if (nodeName == name || nodeName.find("::" + name + ">") != std::string::npos)
            return true;
        for (const torch::autograd::Edge& edge : node->next_edges())
            pending.push_back(edge.function);
    }
    return false;
}

} // namespace lepton::testing
