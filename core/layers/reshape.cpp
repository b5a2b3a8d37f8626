// Layers that rearrange elements without computing new ones (Upsample
// repeats or interpolates them).

#include "layers/layerkit.h"

#include <algorithm>

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
BuiltLayer buildFlatten(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return x.flatten(1); });
}

BuiltLayer buildReshape(const LayerContext& c)
{
    std::vector<int64_t> shape = c.integers("shape");
    shape.insert(shape.begin(), -1); // the batch
    return unaryOp([shape](const torch::Tensor& x) { return x.reshape(shape); });
}

BuiltLayer buildPermute(const LayerContext& c)
{
    std::vector<int64_t> order{0}; // the batch stays first
    for (int64_t dim : c.integers("dims"))
        order.push_back(dim + 1);
    return unaryOp([order](const torch::Tensor& x) { return x.permute(order); });
}

BuiltLayer buildUpsample(const LayerContext& c)
{
    namespace F = torch::nn::functional;
    const double scale = static_cast<double>(c.integer("scale_factor"));
    auto options = F::InterpolateFuncOptions().scale_factor(std::vector<double>{scale, scale});
    if (c.choice("mode") == "bilinear")
        options.mode(torch::kBilinear).align_corners(false);
    else
        options.mode(torch::kNearest);
    return unaryOp([options](const torch::Tensor& x) { return F::interpolate(x, options); });
}
#endif

LayerCode flattenCode(const LayerContext&)
{
    return expressionCode("{in0}.flatten(1)");
}

LayerCode reshapeCode(const LayerContext& c)
{
    std::vector<int64_t> shape = c.integers("shape");
    shape.insert(shape.begin(), -1); // the batch
    return expressionCode("{in0}.reshape(" + pyInts(shape) + ")");
}

LayerCode permuteCode(const LayerContext& c)
{
    std::vector<int64_t> order{0}; // the batch stays first
    for (int64_t dim : c.integers("dims"))
        order.push_back(dim + 1);
    return expressionCode("{in0}.permute(" + pyInts(order) + ")");
}

LayerCode upsampleCode(const LayerContext& c)
{
    const std::string scale = pyFloat(static_cast<double>(c.integer("scale_factor")));
    const bool bilinear = c.choice("mode") == "bilinear";
    LayerCode code = expressionCode("F.interpolate({in0}, scale_factor=" + scale + ", mode=\""
                                    + c.choice("mode") + "\"" + (bilinear ? ", align_corners=False" : "") + ")");
    code.scriptStatements = {"{out0} = torch." + std::string(bilinear ? "upsample_bilinear2d({in0}, None, False, ["
                                                                      : "upsample_nearest2d({in0}, None, [")
                             + scale + ", " + scale + "])"};
    return code;
}

std::vector<std::string> flattenOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Flatten", {onnx.input(0)}, {{"axis", int64_t(1)}})};
}

std::vector<std::string> reshapeOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    std::vector<int64_t> shape = c.integers("shape");
    shape.insert(shape.begin(), 0); // 0 keeps the batch
    return {onnx.op("Reshape", {onnx.input(0), onnx.constantInts(shape)})};
}

std::vector<std::string> permuteOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    std::vector<int64_t> order{0};
    for (int64_t dim : c.integers("dims"))
        order.push_back(dim + 1);
    return {onnx.op("Transpose", {onnx.input(0)}, {{"perm", order}})};
}

// Resize as PyTorch's interpolate samples: nearest takes the pixel at
// floor(out / scale); bilinear without aligned corners is half-pixel.
std::vector<std::string> upsampleOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const float scale = static_cast<float>(c.integer("scale_factor"));
    const bool bilinear = c.choice("mode") == "bilinear";
    OnnxAttributes attributes = {{"mode", std::string(bilinear ? "linear" : "nearest")},
                                 {"coordinate_transformation_mode",
                                  std::string(bilinear ? "pytorch_half_pixel" : "asymmetric")}};
    if (!bilinear)
        attributes.push_back({"nearest_mode", std::string("floor")});
    const std::string scales = onnx.constant(FloatArray{{4}, {1.0f, 1.0f, scale, scale}});
    return {onnx.op("Resize", {onnx.input(0), onnx.constant(FloatArray{{0}, {}}), scales}, attributes)};
}

LayerSpec flatten()
{
    LayerSpec spec = unaryLayer("Flatten", "Flatten", "Reshape",
                                "Joins all sample dimensions into one");
    spec.inputDType = InputDType::Any;
    spec.shapeRule = [](const Node&, const std::vector<TensorType>& inputs) {
        int64_t count = 1;
        for (int64_t dim : inputs.at(0).shape) {
            if (__builtin_mul_overflow(count, dim, &count))
                return ShapeResult::fail("cannot flatten " + shapeToString(inputs[0].shape)
                                         + ": too many elements");
        }
        ShapeResult result;
        result.outputs = {TensorType({count}, inputs[0].dtype)};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildFlatten);
    spec.code = flattenCode;
    spec.onnx = flattenOnnx;
    return spec;
}

LayerSpec reshape()
{
    LayerSpec spec = unaryLayer("Reshape", "Reshape", "Reshape",
                                "Gives each sample a new shape with the same number of elements");
    spec.inputDType = InputDType::Any;
    spec.params = {intListParam("shape", {-1}, -1,
                                "New sample shape; one dimension may be -1 to infer it")};
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        Shape shape = intListValue(node, "shape");
        const int64_t elements = shapeElementCount(inputs.at(0).shape);
        const std::string requested = "shape " + shapeToString(shape);
        if (shape.empty())
            return ShapeResult::fail("needs a shape with at least one dimension");
        if (std::count(shape.begin(), shape.end(), -1) > 1)
            return ShapeResult::fail(requested + " has more than one -1");
        if (std::count(shape.begin(), shape.end(), 0) > 0)
            return ShapeResult::fail(requested + " has a dimension of 0");
        int64_t known = 1;
        for (int64_t dim : shape) {
            if (dim > 0 && __builtin_mul_overflow(known, dim, &known))
                return ShapeResult::fail(requested + " has too many elements");
        }
        auto open = std::find(shape.begin(), shape.end(), -1);
        if (open != shape.end()) {
            if (elements % known != 0)
                return ShapeResult::fail("cannot fit " + std::to_string(elements) + " elements of "
                                         + shapeToString(inputs[0].shape) + " into " + requested);
            *open = elements / known;
        } else if (known != elements) {
            return ShapeResult::fail(requested + " holds " + std::to_string(known)
                                     + " elements, the input " + shapeToString(inputs[0].shape)
                                     + " holds " + std::to_string(elements));
        }
        ShapeResult result;
        result.outputs = {TensorType(shape, inputs[0].dtype)};
        result.resolved["shape"] = shape;
        return result;
    };
    spec.build = LEPTON_BUILDER(buildReshape);
    spec.code = reshapeCode;
    spec.onnx = reshapeOnnx;
    return spec;
}

LayerSpec permute()
{
    LayerSpec spec = unaryLayer("Permute", "Permute", "Reshape",
                                "Reorders the sample dimensions, e.g. [1, 0] swaps two");
    spec.inputDType = InputDType::Any;
    spec.params = {intListParam("dims", {1, 0}, 0,
                                "New order of the sample dimensions, each listed once")};
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const std::vector<int64_t> dims = intListValue(node, "dims");
        const Shape& input = inputs.at(0).shape;
        std::vector<int64_t> sorted = dims;
        std::sort(sorted.begin(), sorted.end());
        bool isPermutation = sorted.size() == input.size();
        for (size_t i = 0; isPermutation && i < sorted.size(); ++i)
            isPermutation = sorted[i] == static_cast<int64_t>(i);
        if (!isPermutation)
            return ShapeResult::fail("dims " + shapeToString(dims) + " must list each of the "
                                     + std::to_string(input.size()) + " dimensions of "
                                     + shapeToString(input) + " once");
        Shape shape;
        for (int64_t dim : dims)
            shape.push_back(input[static_cast<size_t>(dim)]);
        ShapeResult result;
        result.outputs = {TensorType(shape, inputs[0].dtype)};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildPermute);
    spec.code = permuteCode;
    spec.onnx = permuteOnnx;
    return spec;
}

LayerSpec upsample()
{
    LayerSpec spec = unaryLayer("Upsample", "Upsample", "Reshape",
                                "Scales the height and width of [channels, height, width] up by "
                                "a whole factor");
    spec.params = {
        intParam("scale_factor", 2, 1, 64, "How many times larger each side becomes"),
        choiceParam("mode", "nearest", {"nearest", "bilinear"},
                    "Repeat the nearest value, or interpolate between neighbours"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 3, spatialLayout(2)))
            return *failure;
        const Shape& input = inputs[0].shape;
        const int64_t scale = intValue(node, "scale_factor");
        ShapeResult result;
        result.outputs = {Shape{input[0], input[1] * scale, input[2] * scale}};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildUpsample);
    spec.code = upsampleCode;
    spec.onnx = upsampleOnnx;
    return spec;
}

} // namespace

void addReshapeLayers(LayerRegistry& registry)
{
    registry.add(flatten());
    registry.add(reshape());
    registry.add(permute());
    registry.add(upsample());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
