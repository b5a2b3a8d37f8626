#include "model/graphmodule.h"

#include "graph/layerregistry.h"
#include "model/batchnormrelu.h"
#include "model/batchnormrelupool.h"
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
        step.type = node.type;
        step.forward = std::move(layer.forward);
        for (int port = 0; port < registry.inputCount(node); ++port) {
            const Edge edge = *graph.edgeInto(id, port);
            step.inputs.push_back(
                {stepOf.at(edge.fromNode), static_cast<size_t>(edge.fromPort)});
        }
        stepOf[id] = m_steps.size();
        m_steps.push_back(std::move(step));
    }
    fuseBatchNorms(graph);
}

void GraphModuleImpl::foldSteps(const std::function<LayerForward(const Step& host, const Step& reader)>& fold)
{
    std::vector<int> readers(m_steps.size(), 0);
    for (const Step& step : m_steps) {
        for (const Source& source : step.inputs)
            ++readers[source.step];
    }
    // Where each step's output is read from once folded steps are gone.
    std::vector<size_t> host(m_steps.size());
    std::vector<Step> kept;
    for (size_t i = 0; i < m_steps.size(); ++i) {
        Step& step = m_steps[i];
        const bool soleReader = step.inputs.size() == 1 && readers[step.inputs[0].step] == 1;
        for (Source& source : step.inputs)
            source.step = host[source.step];
        LayerForward folded = soleReader ? fold(kept[step.inputs[0].step], step) : LayerForward();
        if (!folded) {
            host[i] = kept.size();
            kept.push_back(std::move(step));
            continue;
        }
        host[i] = step.inputs[0].step;
        Step& into = kept[host[i]];
        into.forward = std::move(folded);
        into.folded.push_back(step.type);
    }
    m_steps = std::move(kept);
}

void GraphModuleImpl::fuseBatchNorms(const Graph& graph)
{
    foldSteps([&](const Step& host, const Step& reader) -> LayerForward {
        auto norm = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(layerModule(host.id));
        if (host.type != "BatchNorm2d" || !norm)
            return {};
        if (host.folded.empty() && reader.type == "ReLU") {
            return [norm, unfused = host.forward](const Tensors& in, bool training) {
                if (batchNormReluFusable(in.at(0), *norm))
                    return Tensors{batchNormRelu(in.at(0), *norm)};
                return Tensors{torch::relu(unfused(in, training).at(0))};
            };
        }
        if (host.folded == std::vector<std::string>{"ReLU"} && reader.type == "MaxPool2d") {
            const LayerContext pool{*graph.node(reader.id), m_shapes.nodes.at(reader.id)};
            const int64_t kernel = pool.integer("kernel_size");
            const int64_t stride = pool.integer("stride");
            const int64_t padding = pool.integer("padding");
            return [=, normRelu = host.forward, unfused = reader.forward](const Tensors& in, bool training) {
                if (batchNormReluPoolFusable(in.at(0), *norm, kernel, stride, padding))
                    return Tensors{batchNormReluPool(in.at(0), *norm, kernel)};
                return unfused(normRelu(in, training), training);
            };
        }
        return {};
    });
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
