// Fully connected layers.

#include "layers/layerkit.h"
#ifdef LEPTON_ENGINE
#include "model/onednnlinear.h"
#endif

#include <algorithm>

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

// Product of every dim but the last: how many times a dense layer is applied.
int64_t leadingCount(const Shape& shape)
{
    return saturatingProduct({shapeElementCount(Shape(shape.begin(), shape.end() - 1))});
}

#ifdef LEPTON_ENGINE
BuiltLayer buildLinear(const LayerContext& c)
{
    torch::nn::Linear linear(
        torch::nn::LinearOptions(c.integer("in_features"), c.integer("out_features")).bias(c.flag("bias")));
    return {linear.ptr(), [linear](const Tensors& in, bool) mutable {
                const torch::Tensor& x = in.at(0);
                return Tensors{oneDnnLinearApplies(x, *linear) ? oneDnnLinear(x, *linear) : linear->forward(x)};
            }};
}

BuiltLayer buildBilinear(const LayerContext& c)
{
    torch::nn::Bilinear bilinear(torch::nn::BilinearOptions(c.integer("in1_features"),
                                                            c.integer("in2_features"),
                                                            c.integer("out_features"))
                                     .bias(c.flag("bias")));
    return {bilinear.ptr(), [bilinear](const Tensors& in, bool) mutable {
                return Tensors{bilinear->forward(in.at(0), in.at(1))};
            }};
}
#endif

LayerCode linearCode(const LayerContext& c)
{
    return moduleCode(c,
                      "nn.Linear(" + std::to_string(c.integer("in_features")) + ", "
                          + std::to_string(c.integer("out_features")) + ", bias=" + pyBool(c.flag("bias")) + ")",
                      "def forward(self, x: Tensor) -> Tensor:\n"
                      "    return torch.linear(x, self.weight, " + tensorOrNone(c.flag("bias"), "self.bias") + ")\n");
}

LayerCode bilinearCode(const LayerContext& c)
{
    return moduleCode(c,
                      "nn.Bilinear(" + std::to_string(c.integer("in1_features")) + ", "
                          + std::to_string(c.integer("in2_features")) + ", "
                          + std::to_string(c.integer("out_features")) + ", bias=" + pyBool(c.flag("bias")) + ")",
                      "def forward(self, x1: Tensor, x2: Tensor) -> Tensor:\n"
                      "    return torch.bilinear(x1, x2, self.weight, " + tensorOrNone(c.flag("bias"), "self.bias") + ")\n");
}

std::vector<std::string> linearOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return {onnxLinear(onnx, onnx.input(0), "weight", c.flag("bias") ? "bias" : "")};
}

// y_k = x1 A_k x2^T + b_k: x1 times A arranged [in1, out * in2], the result
// viewed as [..., out, in2], times x2 and summed over in2.
std::vector<std::string> bilinearOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const FloatArray weight = onnx.weightValues("weight"); // [out, in1, in2]
    const int64_t out = weight.shape[0], in1 = weight.shape[1], in2 = weight.shape[2];
    FloatArray arranged{{in1, out * in2}, std::vector<float>(weight.values.size())};
    for (int64_t k = 0; k < out; ++k)
        for (int64_t i = 0; i < in1; ++i)
            for (int64_t j = 0; j < in2; ++j)
                arranged.values[(i * out + k) * in2 + j] = weight.values[(k * in1 + i) * in2 + j];
    std::vector<int64_t> viewShape(c.inputShape(0).size(), 0); // batch and leading dims kept
    viewShape.push_back(out);
    viewShape.push_back(in2);
    const std::string products = onnx.op("Reshape", {onnx.op("MatMul", {onnx.input(0), onnx.constant(arranged)}),
                                                      onnx.constantInts(viewShape)});
    // x2 [..., in2] -> [..., 1, in2]; the axis counted from the front (batch included).
    const int64_t beforeLast = static_cast<int64_t>(c.inputShape(1).size());
    const std::string second = onnx.op("Unsqueeze", {onnx.input(1), onnx.constantInts({beforeLast})});
    std::string y = onnx.op("ReduceSum", {onnx.op("Mul", {products, second}), onnx.constantInts({beforeLast + 1})},
                            {{"keepdims", int64_t(0)}});
    if (c.flag("bias"))
        y = onnx.op("Add", {y, onnx.weight("bias")});
    return {y};
}

LayerSpec linear()
{
    LayerSpec spec = unaryLayer("Linear", "Linear", "Dense",
                                "Fully connected: y = xW^T + b over the last dimension");
    spec.params = {
        intParam("in_features", 0, 0, kNoLimit, "Size of the last input dimension; 0 infers it"),
        intParam("out_features", 64, 1, kNoLimit, "Size of the last output dimension"),
        boolParam("bias", true, "Learn an additive bias"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        Shape shape = inputs.at(0).shape;
        if (shape.empty())
            return ShapeResult::fail("expects an input with at least one dimension, got []");
        const int64_t in = shape.back();
        std::string problem = inferredSizeProblem(node, "in_features", in, "input features");
        if (!problem.empty())
            return ShapeResult::fail(problem);
        const int64_t out = intValue(node, "out_features");
        const std::optional<int64_t> weights =
            weightCount({in, out}, boolValue(node, "bias") ? out : 0);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        ShapeResult result;
        result.parameters = *weights;
        result.macs = saturatingProduct({leadingCount(shape), in, out});
        result.resolved["in_features"] = in;
        shape.back() = out;
        result.outputs = {shape};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildLinear);
    spec.code = linearCode;
    spec.onnx = linearOnnx;
    return spec;
}

LayerSpec bilinear()
{
    LayerSpec spec = unaryLayer("Bilinear", "Bilinear", "Dense",
                                "y = x1^T A x2 + b: every pair of features of two inputs");
    spec.inputPorts = {"in1", "in2"};
    spec.params = {
        intParam("in1_features", 0, 0, kNoLimit, "Size of input 1's last dimension; 0 infers it"),
        intParam("in2_features", 0, 0, kNoLimit, "Size of input 2's last dimension; 0 infers it"),
        intParam("out_features", 16, 1, kNoLimit, "Size of the last output dimension"),
        boolParam("bias", true, "Learn an additive bias"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const Shape& first = inputs.at(0).shape;
        const Shape& second = inputs.at(1).shape;
        if (first.empty() || second.empty())
            return ShapeResult::fail("expects inputs with at least one dimension");
        if (!std::equal(first.begin(), first.end() - 1, second.begin(), second.end() - 1))
            return ShapeResult::fail("expects inputs that differ only in the last dimension, got "
                                     + shapeToString(first) + " and " + shapeToString(second));
        const int64_t in1 = first.back();
        const int64_t in2 = second.back();
        std::string problem = inferredSizeProblem(node, "in1_features", in1, "features in input 1");
        if (problem.empty())
            problem = inferredSizeProblem(node, "in2_features", in2, "features in input 2");
        if (!problem.empty())
            return ShapeResult::fail(problem);
        const int64_t out = intValue(node, "out_features");
        const std::optional<int64_t> weights =
            weightCount({out, in1, in2}, boolValue(node, "bias") ? out : 0);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        ShapeResult result;
        result.parameters = *weights;
        result.macs = saturatingProduct({leadingCount(first), out, in1, in2});
        result.resolved["in1_features"] = in1;
        result.resolved["in2_features"] = in2;
        Shape shape = first;
        shape.back() = out;
        result.outputs = {shape};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildBilinear);
    spec.code = bilinearCode;
    spec.onnx = bilinearOnnx;
    return spec;
}

} // namespace

void addDenseLayers(LayerRegistry& registry)
{
    registry.add(linear());
    registry.add(bilinear());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
