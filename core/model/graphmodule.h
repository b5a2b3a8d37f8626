#pragma once

#include "graph/graph.h"
#include "graph/shape.h"
#include "graph/shapeinference.h"
#include "model/layerbuilder.h"

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// A torch module that executes a Graph: any DAG with exactly one Input and one
// Output node. Children are registered as "n<id>" after the node's stable id,
// so saved weights still load after the graph is edited elsewhere.
// Thrown when building a GraphModule was asked to stop.
struct BuildCancelled : std::runtime_error {
    BuildCancelled()
        : std::runtime_error("building the network was cancelled")
    {
    }
};

class GraphModuleImpl : public torch::nn::Module {
public:
    // Throws ModelError listing every problem of the graph, one per line.
    // Once `stop` is set it gives up between layers with BuildCancelled: a
    // large network takes seconds to initialize.
    GraphModuleImpl(const Graph& graph, const LayerRegistry& registry, const std::atomic<bool>* stop = nullptr);

    // input: [batch, inputShape()...] -> [batch, outputShape()...]. A float
    // input feeding an int64 Input (token ids) is converted.
    torch::Tensor forward(torch::Tensor input);

    const Node& inputNode() const { return m_inputNode; }
    const Node& outputNode() const { return m_outputNode; }
    // Per sample; the Output node's shape is the shape of what flows into it.
    const Shape& inputShape() const { return m_inputShape; }
    const Shape& outputShape() const { return m_outputShape; }
    // Inferred shapes of every node, with the topological order.
    const ShapeReport& shapes() const { return m_shapes; }

    // False when no layer with weights feeds the Output: nothing to train.
    bool outputDependsOnWeights() const { return m_outputDependsOnWeights; }
    // Keeps every 4-d weight, and turns every 4-d input, channels-last
    // (NHWC): faster convolutions on recent GPUs and with oneDNN. Call after
    // moving the module to its device.
    void useChannelsLast();

    // The node's child module; null for parameter-free layers.
    std::shared_ptr<torch::nn::Module> layerModule(NodeId id) const;

    // "n7": the name the node's module is registered under.
    static std::string moduleName(NodeId id);

private:
    // Where an input comes from: an output port of an earlier step.
    struct Source {
        size_t step = 0;
        size_t port = 0;
    };
    struct Step {
        NodeId id = 0;
        std::string type;
        std::vector<Source> inputs; // one per input port
        LayerForward forward;
        std::vector<std::string> folded; // types of the layers folded into it
    };

    // Folds each single-input step into the step it reads from, where nothing
    // else reads that: fold(host, reader) gives the forward computing both,
    // or an empty one to leave them apart.
    void foldSteps(const std::function<LayerForward(const Step& host, const Step& reader)>& fold);
    // A BatchNorm2d read only by a ReLU becomes one step computing both
    // (model/batchnormrelu.h); one whose ReLU is read only by a MaxPool2d,
    // one step computing all three (model/batchnormrelupool.h). The fused
    // kernels run on the CPU in training; otherwise the step runs the layers.
    void fuseBatchNorms(const Graph& graph);

    std::vector<Step> m_steps; // topological order, only nodes the Output needs
    ShapeReport m_shapes;
    Node m_inputNode;
    Node m_outputNode;
    Shape m_inputShape;
    torch::ScalarType m_inputType = torch::kFloat32;
    Shape m_outputShape;
    bool m_outputDependsOnWeights = false;
    bool m_channelsLast = false;
};

TORCH_MODULE(GraphModule);

} // namespace lepton
