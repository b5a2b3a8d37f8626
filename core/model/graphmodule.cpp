#include "model/graphmodule.h"

#include "graph/layerregistry.h"
#include "model/batchnormrelu.h"
#include "model/modelsummary.h"

#include <map>
#include <set>

namespace lepton {

namespace {

// Nodes the output depends on; anything else is left out of forward().
std::set<NodeId> ancestorsOf(const Graph& graph, NodeId id)
{
    std::set<NodeId> needed{id};
    std::vector<NodeId> pending{id};
    while (!pending.empty()) {
        NodeId current = pending.back();
        pending.pop_back();
        for (const Edge& edge : graph.edges()) {
            if (edge.toNode == current && needed.insert(edge.fromNode).second)
                pending.push_back(edge.fromNode);
        }
    }
    return needed;
}

} // namespace

GraphModuleImpl::GraphModuleImpl(const Graph& graph, const LayerRegistry& registry, const std::atomic<bool>* stop)
    : m_shapes(inferShapes(graph, registry))
{
    const ModelSummary summary = summarizeModel(graph, m_shapes);
    m_inputNode = *graph.node(summary.inputNode);
    m_outputNode = *graph.node(summary.outputNode);
    const TensorType& input = m_shapes.nodes.at(m_inputNode.id).outputs.at(0);
    m_inputShape = input.shape;
    m_inputType = input.dtype == DType::Int64 ? torch::kInt64 : torch::kFloat32;
    m_outputShape = m_shapes.nodes.at(m_outputNode.id).inputs.at(0).shape;

    // Every node gets its module, used or not, so the weights of a branch
    // survive while it is temporarily disconnected.
    std::set<NodeId> needed = ancestorsOf(graph, m_outputNode.id);
    std::map<NodeId, size_t> stepOf;
    for (NodeId id : m_shapes.order) {
        if (stop && stop->load())
            throw BuildCancelled();
        const Node& node = *graph.node(id);
        BuiltLayer layer = buildLayer({node, m_shapes.nodes.at(id)});
        if (layer.module)
            register_module(moduleName(id), layer.module);
        if (!needed.count(id))
            continue;

        if (layer.module && !layer.module->parameters().empty())
            m_outputDependsOnWeights = true;
        Step step;
        step.id = id;
        step.forward = std::move(layer.forward);
        for (int port = 0; port < registry.inputCount(node); ++port) {
            const Edge edge = *graph.edgeInto(id, port);
            step.inputs.push_back(
                {stepOf.at(edge.fromNode), static_cast<size_t>(edge.fromPort)});
        }
        stepOf[id] = m_steps.size();
        m_steps.push_back(std::move(step));
    }
    fuseBatchNormRelu(graph);
}

void GraphModuleImpl::fuseBatchNormRelu(const Graph& graph)
{
    std::vector<int> consumers(m_steps.size(), 0);
    for (const Step& step : m_steps) {
        for (const Source& source : step.inputs)
            ++consumers[source.step];
    }
    const auto typeOf = [&](size_t step) -> const std::string& { return graph.node(m_steps[step].id)->type; };
    // The norm a ReLU step can fuse with: its only input's, read by nothing else.
    const auto fusableNorm = [&](size_t step) -> std::shared_ptr<torch::nn::BatchNorm2dImpl> {
        if (typeOf(step) != "ReLU")
            return nullptr;
        const size_t from = m_steps[step].inputs.at(0).step;
        if (consumers[from] != 1 || typeOf(from) != "BatchNorm2d")
            return nullptr;
        return std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(layerModule(m_steps[from].id));
    };

    std::vector<std::shared_ptr<torch::nn::BatchNorm2dImpl>> norms(m_steps.size());
    for (size_t i = 0; i < m_steps.size(); ++i)
        norms[i] = fusableNorm(i);
    // Where each step's output is read from once the fused ReLUs are gone.
    std::vector<size_t> host(m_steps.size());
    std::vector<Step> kept;
    for (size_t i = 0; i < m_steps.size(); ++i) {
        Step& step = m_steps[i];
        for (Source& source : step.inputs)
            source.step = host[source.step];
        if (!norms[i]) {
            host[i] = kept.size();
            kept.push_back(std::move(step));
            continue;
        }
        host[i] = step.inputs[0].step;
        Step& normStep = kept[host[i]];
        normStep.forward = [norm = norms[i], unfused = std::move(normStep.forward)](const Tensors& in, bool training) {
            if (batchNormReluFusable(in.at(0), *norm))
                return Tensors{batchNormRelu(in.at(0), *norm)};
            return Tensors{torch::relu(unfused(in, training).at(0))};
        };
    }
    m_steps = std::move(kept);
}

torch::Tensor GraphModuleImpl::forward(torch::Tensor input)
{
    std::vector<int64_t> sample(input.sizes().begin() + std::min<int64_t>(1, input.dim()),
                                input.sizes().end());
    if (input.dim() < 1 || sample != m_inputShape)
        throw ModelError(describeNode(m_inputNode) + " expects samples of shape "
                         + shapeToString(m_inputShape) + ", got " + shapeToString(sample));

    if (input.scalar_type() != m_inputType)
        input = input.to(m_inputType);
    if (m_channelsLast && input.dim() == 4)
        input = input.contiguous(torch::MemoryFormat::ChannelsLast);

    std::vector<Tensors> values(m_steps.size());
    Tensors args;
    for (size_t i = 0; i < m_steps.size(); ++i) {
        const Step& step = m_steps[i];
        args.clear();
        if (step.id == m_inputNode.id)
            args.push_back(input);
        for (const Source& source : step.inputs)
            args.push_back(values[source.step].at(source.port));
        values[i] = step.forward(args, is_training());
    }
    // The Output step comes last (everything else is its ancestor) and hands
    // out what flows into it.
    return values.back().at(0);
}

void GraphModuleImpl::useChannelsLast()
{
    torch::NoGradGuard noGrad;
    for (torch::Tensor& tensor : parameters()) {
        if (tensor.dim() == 4)
            tensor.set_data(tensor.contiguous(torch::MemoryFormat::ChannelsLast));
    }
    m_channelsLast = true;
}

std::shared_ptr<torch::nn::Module> GraphModuleImpl::layerModule(NodeId id) const
{
    auto children = named_children();
    const auto* child = children.find(moduleName(id));
    return child ? *child : nullptr;
}

std::string GraphModuleImpl::moduleName(NodeId id)
{
    return "n" + std::to_string(id);
}

} // namespace lepton
