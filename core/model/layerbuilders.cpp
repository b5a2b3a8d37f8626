#include "model/layerbuilders.h"

#include "graph/layerregistry.h"
#include "model/modelerror.h"

#include <map>

namespace lepton {

namespace {

using Builder = BuiltLayer (*)(const LayerContext& context);
using Inputs = std::vector<torch::Tensor>;

int64_t intParam(const LayerContext& context, const char* name)
{
    return context.registry.paramValue(context.node, name).get<int64_t>();
}

double floatParam(const LayerContext& context, const char* name)
{
    return context.registry.paramValue(context.node, name).get<double>();
}

bool boolParam(const LayerContext& context, const char* name)
{
    return context.registry.paramValue(context.node, name).get<bool>();
}

// A sample dim counts without the batch: d >= 0 is tensor dim d + 1, and a
// negative d already counts from the end.
int64_t tensorDim(int64_t sampleDim)
{
    return sampleDim >= 0 ? sampleDim + 1 : sampleDim;
}

// The module's own forward, behind the holder that keeps it alive.
template <typename Holder>
BuiltLayer moduleLayer(Holder holder)
{
    return {holder.ptr(),
            [holder](const Inputs& in, bool) mutable { return holder->forward(in.at(0)); }};
}

BuiltLayer elementwise(torch::Tensor (*op)(const torch::Tensor&))
{
    return {nullptr, [op](const Inputs& in, bool) { return op(in.at(0)); }};
}

BuiltLayer identity(const LayerContext&)
{
    return {nullptr, [](const Inputs& in, bool) { return in.at(0); }};
}

BuiltLayer linear(const LayerContext& c)
{
    int64_t in = intParam(c, "in_features");
    if (in == 0)
        in = c.inputShapes.at(0).back();
    return moduleLayer(torch::nn::Linear(
        torch::nn::LinearOptions(in, intParam(c, "out_features")).bias(boolParam(c, "bias"))));
}

BuiltLayer conv2d(const LayerContext& c)
{
    int64_t in = intParam(c, "in_channels");
    if (in == 0)
        in = c.inputShapes.at(0).at(0);
    return moduleLayer(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, intParam(c, "out_channels"), intParam(c, "kernel_size"))
            .stride(intParam(c, "stride"))
            .padding(intParam(c, "padding"))
            .bias(boolParam(c, "bias"))));
}

struct PoolParams {
    int64_t kernel;
    int64_t stride;
    int64_t padding;
};

PoolParams poolParams(const LayerContext& c)
{
    int64_t kernel = intParam(c, "kernel_size");
    int64_t stride = intParam(c, "stride");
    return {kernel, stride == 0 ? kernel : stride, intParam(c, "padding")};
}

BuiltLayer maxPool2d(const LayerContext& c)
{
    PoolParams p = poolParams(c);
    return {nullptr, [p](const Inputs& in, bool) {
                return torch::max_pool2d(in.at(0), {p.kernel, p.kernel}, {p.stride, p.stride},
                                         {p.padding, p.padding});
            }};
}

BuiltLayer avgPool2d(const LayerContext& c)
{
    PoolParams p = poolParams(c);
    return {nullptr, [p](const Inputs& in, bool) {
                return torch::avg_pool2d(in.at(0), {p.kernel, p.kernel}, {p.stride, p.stride},
                                         {p.padding, p.padding});
            }};
}

BuiltLayer batchNorm1d(const LayerContext& c)
{
    return moduleLayer(torch::nn::BatchNorm1d(
        torch::nn::BatchNorm1dOptions(c.inputShapes.at(0).at(0))
            .momentum(floatParam(c, "momentum"))
            .eps(floatParam(c, "eps"))));
}

BuiltLayer batchNorm2d(const LayerContext& c)
{
    return moduleLayer(torch::nn::BatchNorm2d(
        torch::nn::BatchNorm2dOptions(c.inputShapes.at(0).at(0))
            .momentum(floatParam(c, "momentum"))
            .eps(floatParam(c, "eps"))));
}

BuiltLayer dropout(const LayerContext& c)
{
    const double p = floatParam(c, "p");
    return {nullptr, [p](const Inputs& in, bool training) {
                return torch::dropout(in.at(0), p, training);
            }};
}

BuiltLayer flatten(const LayerContext&)
{
    return {nullptr, [](const Inputs& in, bool) { return in.at(0).flatten(1); }};
}

BuiltLayer relu(const LayerContext&) { return elementwise(torch::relu); }
BuiltLayer sigmoid(const LayerContext&) { return elementwise(torch::sigmoid); }
BuiltLayer tanh(const LayerContext&) { return elementwise(torch::tanh); }

BuiltLayer gelu(const LayerContext&)
{
    return {nullptr, [](const Inputs& in, bool) { return torch::gelu(in.at(0)); }};
}

BuiltLayer softmax(const LayerContext& c)
{
    int64_t dim = tensorDim(intParam(c, "dim"));
    return {nullptr, [dim](const Inputs& in, bool) { return torch::softmax(in.at(0), dim); }};
}

BuiltLayer add(const LayerContext&)
{
    return {nullptr, [](const Inputs& in, bool) {
                torch::Tensor sum = in.at(0);
                for (size_t i = 1; i < in.size(); ++i)
                    sum = sum + in[i];
                return sum;
            }};
}

BuiltLayer concat(const LayerContext& c)
{
    int64_t dim = tensorDim(intParam(c, "dim"));
    return {nullptr, [dim](const Inputs& in, bool) { return torch::cat(in, dim); }};
}

const std::map<std::string, Builder>& builders()
{
    static const std::map<std::string, Builder> table = {
        {"Input", identity},         {"Output", identity},       {"Linear", linear},
        {"Conv2d", conv2d},          {"MaxPool2d", maxPool2d},   {"AvgPool2d", avgPool2d},
        {"BatchNorm1d", batchNorm1d}, {"BatchNorm2d", batchNorm2d}, {"Dropout", dropout},
        {"Flatten", flatten},        {"ReLU", relu},             {"Sigmoid", sigmoid},
        {"Tanh", tanh},              {"GELU", gelu},             {"Softmax", softmax},
        {"Add", add},                {"Concat", concat},
    };
    return table;
}

} // namespace

bool hasBuilder(const std::string& type)
{
    return builders().count(type) > 0;
}

BuiltLayer buildLayer(const LayerContext& context)
{
    auto it = builders().find(context.node.type);
    if (it == builders().end())
        throw ModelError(describeNode(context.node) + " cannot be built: no builder for its type");
    return it->second(context);
}

} // namespace lepton
