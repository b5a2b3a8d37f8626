#include "model/modelsummary.h"

#include "graph/layerregistry.h"
#include "model/graphmodule.h"

namespace lepton {

ModelSummary summarizeModel(const Graph& graph, const LayerRegistry& registry)
{
    GraphModule model(graph, registry);
    ModelSummary summary;
    for (NodeId id : model->shapes().order) {
        const Node& node = *graph.node(id);
        const NodeShapes& shapes = model->shapes().nodes.at(id);
        LayerSummary layer;
        layer.id = id;
        layer.name = node.name;
        layer.type = node.type;
        // The Output layer has no output port; what it hands out is its input.
        layer.outputShapes = id == model->outputNode().id ? shapes.inputs : shapes.outputs;
        if (auto module = model->layerModule(id)) {
            for (const torch::Tensor& parameter : module->parameters()) {
                layer.parameters += parameter.numel();
                if (parameter.requires_grad())
                    summary.trainableParameters += parameter.numel();
            }
        }
        summary.totalParameters += layer.parameters;
        summary.layers.push_back(std::move(layer));
    }
    return summary;
}

} // namespace lepton
