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

std::vector<std::string> reluOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Relu", {onnx.input(0)})};
}

std::vector<std::string> leakyReLUOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return {onnx.op("LeakyRelu", {onnx.input(0)}, {{"alpha", static_cast<float>(c.number("negative_slope"))}})};
}

std::vector<std::string> eluOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return {onnx.op("Elu", {onnx.input(0)}, {{"alpha", static_cast<float>(c.number("alpha"))}})};
}

std::vector<std::string> geluOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnxGelu(onnx, onnx.input(0))};
}

std::vector<std::string> siluOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Mul", {onnx.input(0), onnx.op("Sigmoid", {onnx.input(0)})})};
}

std::vector<std::string> mishOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Mul", {onnx.input(0), onnx.op("Tanh", {onnx.op("Softplus", {onnx.input(0)})})})};
}

std::vector<std::string> sigmoidOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Sigmoid", {onnx.input(0)})};
}

std::vector<std::string> tanhOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Tanh", {onnx.input(0)})};
}

std::vector<std::string> softmaxOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return {onnx.op("Softmax", {onnx.input(0)}, {{"axis", tensorDim(c.integer("dim"))}})};
}

std::vector<std::string> logSoftmaxOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return {onnx.op("LogSoftmax", {onnx.input(0)}, {{"axis", tensorDim(c.integer("dim"))}})};
}

LayerSpec activation(const std::string& type, const std::string& displayName,
                     const std::string& description, LayerBuilder build, LayerCodeWriter code,
                     OnnxWriter onnx)
{
    LayerSpec spec = unaryLayer(type, displayName, "Activation", description);
    spec.shapeRule = sameType;
    spec.build = build;
    spec.code = code;
    spec.onnx = onnx;
    return spec;
}

// Softmax and LogSoftmax: normalize along one sample dim.
LayerSpec alongDim(const std::string& type, const std::string& displayName,
                   const std::string& description, LayerBuilder build, LayerCodeWriter code,
                   OnnxWriter onnx)
{
    LayerSpec spec = activation(type, displayName, description, build, code, onnx);
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
    registry.add(activation("ReLU", "ReLU", "max(0, x), element-wise", LEPTON_BUILDER(buildReLU), reluCode, reluOnnx));
    LayerSpec leaky = activation("LeakyReLU", "Leaky ReLU",
                                 "x for x > 0, else negative_slope * x, element-wise",
                                 LEPTON_BUILDER(buildLeakyReLU), leakyReLUCode, leakyReLUOnnx);
    leaky.params = {floatParam("negative_slope", 0.01, 0, 1, "Slope for negative inputs")};
    registry.add(std::move(leaky));
    LayerSpec elu = activation("ELU", "ELU", "x for x > 0, else alpha * (exp(x) - 1), element-wise",
                               LEPTON_BUILDER(buildELU), eluCode, eluOnnx);
    elu.params = {floatParam("alpha", 1.0, 0, kNoLimit, "Value approached for large negative x")};
    registry.add(std::move(elu));
    registry.add(activation("GELU", "GELU", "Gaussian error linear unit, element-wise",
                            LEPTON_BUILDER(buildGELU), geluCode, geluOnnx));
    registry.add(activation("SiLU", "SiLU", "x * sigmoid(x) (swish), element-wise",
                            LEPTON_BUILDER(buildSiLU), siluCode, siluOnnx));
    registry.add(activation("Mish", "Mish", "x * tanh(softplus(x)), element-wise",
                            LEPTON_BUILDER(buildMish), mishCode, mishOnnx));
    registry.add(activation("Sigmoid", "Sigmoid", "1 / (1 + exp(-x)), element-wise",
                            LEPTON_BUILDER(buildSigmoid), sigmoidCode, sigmoidOnnx));
    registry.add(activation("Tanh", "Tanh", "Hyperbolic tangent, element-wise",
                            LEPTON_BUILDER(buildTanh), tanhCode, tanhOnnx));
    registry.add(alongDim("Softmax", "Softmax",
                          "Turns scores into probabilities along one dimension",
                          LEPTON_BUILDER(buildSoftmax), softmaxCode, softmaxOnnx));
    registry.add(alongDim("LogSoftmax", "Log Softmax",
                          "Logarithm of softmax along one dimension, computed stably",
                          LEPTON_BUILDER(buildLogSoftmax), logSoftmaxCode, logSoftmaxOnnx));
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
