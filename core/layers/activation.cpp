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

LayerCode reluCode(const LayerContext&)
{
    return expressionCode("torch.relu({in0})");
}

LayerCode leakyReLUCode(const LayerContext& c)
{
    const std::string slope = pyFloat(c.number("negative_slope"));
    return functionalCode("leaky_relu", slope, slope);
}

LayerCode eluCode(const LayerContext& c)
{
    const std::string alpha = pyFloat(c.number("alpha"));
    return functionalCode("elu", alpha, alpha);
}

LayerCode geluCode(const LayerContext&)
{
    return functionalCode("gelu", "", "");
}

LayerCode siluCode(const LayerContext&)
{
    return functionalCode("silu", "", "");
}

LayerCode mishCode(const LayerContext&)
{
    return functionalCode("mish", "", "");
}

LayerCode sigmoidCode(const LayerContext&)
{
    return expressionCode("torch.sigmoid({in0})");
}

LayerCode tanhCode(const LayerContext&)
{
    return expressionCode("torch.tanh({in0})");
}

LayerCode softmaxCode(const LayerContext& c)
{
    return expressionCode("torch.softmax({in0}, " + std::to_string(tensorDim(c.integer("dim"))) + ")");
}

LayerCode logSoftmaxCode(const LayerContext& c)
{
    return expressionCode("torch.log_softmax({in0}, " + std::to_string(tensorDim(c.integer("dim")))
                          + ")");
}

LayerSpec activation(const std::string& type, const std::string& displayName,
                     const std::string& description, LayerBuilder build, LayerCodeWriter code)
{
    LayerSpec spec = unaryLayer(type, displayName, "Activation", description);
    spec.shapeRule = sameType;
    spec.build = build;
    spec.code = code;
    return spec;
}

// Softmax and LogSoftmax: normalize along one sample dim.
LayerSpec alongDim(const std::string& type, const std::string& displayName,
                   const std::string& description, LayerBuilder build, LayerCodeWriter code)
{
    LayerSpec spec = activation(type, displayName, description, build, code);
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
    registry.add(activation("ReLU", "ReLU", "max(0, x), element-wise", LEPTON_BUILDER(buildReLU), reluCode));
    LayerSpec leaky = activation("LeakyReLU", "Leaky ReLU",
                                 "x for x > 0, else negative_slope * x, element-wise",
                                 LEPTON_BUILDER(buildLeakyReLU), leakyReLUCode);
    leaky.params = {floatParam("negative_slope", 0.01, 0, 1, "Slope for negative inputs")};
    registry.add(std::move(leaky));
    LayerSpec elu = activation("ELU", "ELU", "x for x > 0, else alpha * (exp(x) - 1), element-wise",
                               LEPTON_BUILDER(buildELU), eluCode);
    elu.params = {floatParam("alpha", 1.0, 0, kNoLimit, "Value approached for large negative x")};
    registry.add(std::move(elu));
    registry.add(activation("GELU", "GELU", "Gaussian error linear unit, element-wise",
                            LEPTON_BUILDER(buildGELU), geluCode));
    registry.add(activation("SiLU", "SiLU", "x * sigmoid(x) (swish), element-wise",
                            LEPTON_BUILDER(buildSiLU), siluCode));
    registry.add(activation("Mish", "Mish", "x * tanh(softplus(x)), element-wise",
                            LEPTON_BUILDER(buildMish), mishCode));
    registry.add(activation("Sigmoid", "Sigmoid", "1 / (1 + exp(-x)), element-wise",
                            LEPTON_BUILDER(buildSigmoid), sigmoidCode));
    registry.add(activation("Tanh", "Tanh", "Hyperbolic tangent, element-wise",
                            LEPTON_BUILDER(buildTanh), tanhCode));
    registry.add(alongDim("Softmax", "Softmax",
                          "Turns scores into probabilities along one dimension",
                          LEPTON_BUILDER(buildSoftmax), softmaxCode));
    registry.add(alongDim("LogSoftmax", "Log Softmax",
                          "Logarithm of softmax along one dimension, computed stably",
                          LEPTON_BUILDER(buildLogSoftmax), logSoftmaxCode));
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
