// Element-wise activations and the normalizing ones along a dimension.

#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
BuiltLayer buildReLU(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return torch::relu(x); });
}

BuiltLayer buildLeakyReLU(const LayerContext& c)
{
    const double slope = c.number("negative_slope");
    return unaryOp([slope](const torch::Tensor& x) { return torch::leaky_relu(x, slope); });
}

BuiltLayer buildELU(const LayerContext& c)
{
    const double alpha = c.number("alpha");
    return unaryOp([alpha](const torch::Tensor& x) { return torch::elu(x, alpha); });
}

BuiltLayer buildGELU(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return torch::gelu(x); });
}

BuiltLayer buildSiLU(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return torch::silu(x); });
}

BuiltLayer buildMish(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return torch::mish(x); });
}

BuiltLayer buildSigmoid(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return torch::sigmoid(x); });
}

BuiltLayer buildTanh(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return torch::tanh(x); });
}

BuiltLayer buildSoftmax(const LayerContext& c)
{
    const int64_t dim = tensorDim(c.integer("dim"));
    return unaryOp([dim](const torch::Tensor& x) { return torch::softmax(x, dim); });
}

BuiltLayer buildLogSoftmax(const LayerContext& c)
{
    const int64_t dim = tensorDim(c.integer("dim"));
    return unaryOp([dim](const torch::Tensor& x) { return torch::log_softmax(x, dim); });
}
#endif

LayerSpec activation(const std::string& type, const std::string& displayName,
                     const std::string& description, LayerBuilder build)
{
    LayerSpec spec = unaryLayer(type, displayName, "Activation", description);
    spec.shapeRule = sameType;
    spec.build = build;
    return spec;
}

// Softmax and LogSoftmax: normalize along one sample dim.
LayerSpec alongDim(const std::string& type, const std::string& displayName,
                   const std::string& description, LayerBuilder build)
{
    LayerSpec spec = activation(type, displayName, description, build);
    spec.params = {intParam("dim", -1, -kNoLimit, kNoLimit,
                            "Sample dimension to normalize; negative counts from the end")};
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const int64_t dim = intValue(node, "dim");
        if (!resolveDim(dim, inputs.at(0).shape.size()))
            return ShapeResult::fail("dim " + std::to_string(dim) + " is out of range for input "
                                     + shapeToString(inputs[0].shape));
        return sameType(node, inputs);
    };
    return spec;
}

} // namespace

void addActivationLayers(LayerRegistry& registry)
{
    registry.add(activation("ReLU", "ReLU", "max(0, x), element-wise", LEPTON_BUILDER(buildReLU)));
    LayerSpec leaky = activation("LeakyReLU", "Leaky ReLU",
                                 "x for x > 0, else negative_slope * x, element-wise",
                                 LEPTON_BUILDER(buildLeakyReLU));
    leaky.params = {floatParam("negative_slope", 0.01, 0, 1, "Slope for negative inputs")};
    registry.add(std::move(leaky));
    LayerSpec elu = activation("ELU", "ELU", "x for x > 0, else alpha * (exp(x) - 1), element-wise",
                               LEPTON_BUILDER(buildELU));
    elu.params = {floatParam("alpha", 1.0, 0, kNoLimit, "Value approached for large negative x")};
    registry.add(std::move(elu));
    registry.add(activation("GELU", "GELU", "Gaussian error linear unit, element-wise",
                            LEPTON_BUILDER(buildGELU)));
    registry.add(activation("SiLU", "SiLU", "x * sigmoid(x) (swish), element-wise",
                            LEPTON_BUILDER(buildSiLU)));
    registry.add(activation("Mish", "Mish", "x * tanh(softplus(x)), element-wise",
                            LEPTON_BUILDER(buildMish)));
    registry.add(activation("Sigmoid", "Sigmoid", "1 / (1 + exp(-x)), element-wise",
                            LEPTON_BUILDER(buildSigmoid)));
    registry.add(activation("Tanh", "Tanh", "Hyperbolic tangent, element-wise",
                            LEPTON_BUILDER(buildTanh)));
    registry.add(alongDim("Softmax", "Softmax",
                          "Turns scores into probabilities along one dimension",
                          LEPTON_BUILDER(buildSoftmax)));
    registry.add(alongDim("LogSoftmax", "Log Softmax",
                          "Logarithm of softmax along one dimension, computed stably",
                          LEPTON_BUILDER(buildLogSoftmax)));
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
