// Pooling over [channels, length] and [channels, height, width] samples.

#include "layers/layerkit.h"
#ifdef LEPTON_ENGINE
#include "model/tiledmaxpool.h"
#endif

#include <cstdio>

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
struct Window {
    int64_t kernel;
    int64_t stride;
    int64_t padding;
};

Window windowOf(const LayerContext& c)
{
    return {c.integer("kernel_size"), c.integer("stride"), c.integer("padding")};
}

BuiltLayer buildMaxPool1d(const LayerContext& c)
{
    const Window w = windowOf(c);
    return unaryOp([w](const torch::Tensor& x) {
        return torch::max_pool1d(x, {w.kernel}, {w.stride}, {w.padding});
    });
}

BuiltLayer buildMaxPool2d(const LayerContext& c)
{
    const Window w = windowOf(c);
    return unaryOp([w](const torch::Tensor& x) {
        if (tiledMaxPoolApplies(x, w.kernel, w.stride, w.padding))
            return tiledMaxPool2d(x, w.kernel);
        return torch::max_pool2d(x, {w.kernel, w.kernel}, {w.stride, w.stride},
                                 {w.padding, w.padding});
    });
}

BuiltLayer buildAvgPool1d(const LayerContext& c)
{
    const Window w = windowOf(c);
    return unaryOp([w](const torch::Tensor& x) {
        return torch::avg_pool1d(x, {w.kernel}, {w.stride}, {w.padding});
    });
}

BuiltLayer buildAvgPool2d(const LayerContext& c)
{
    const Window w = windowOf(c);
    return unaryOp([w](const torch::Tensor& x) {
        return torch::avg_pool2d(x, {w.kernel, w.kernel}, {w.stride, w.stride},
                                 {w.padding, w.padding});
    });
}

BuiltLayer buildAdaptiveAvgPool2d(const LayerContext& c)
{
    const std::vector<int64_t> size = c.integers("output_size");
    return unaryOp([size](const torch::Tensor& x) { return torch::adaptive_avg_pool2d(x, size); });
}

BuiltLayer buildGlobalAvgPool2d(const LayerContext&)
{
    return unaryOp([](const torch::Tensor& x) { return x.mean({-2, -1}); });
}
#endif

// MaxPool and AvgPool in 1D and 2D: one rule over one or two spatial dims.
// "[2, 2]": one value per spatial dim, as torch.*_pool* take them.
std::string perDim(const LayerContext& c, const char* param, size_t spatialDims)
{
    return pyInts(std::vector<int64_t>(spatialDims, c.integer(param)));
}

// torch.max_pool1d(x, [2], [2], [0]); the 1D ops and max_pool2d are in torch.*
// for Python too.
template <size_t spatialDims>
LayerCode torchPoolCode(const LayerContext& c, const std::string& op)
{
    return expressionCode("torch." + op + "({in0}, " + perDim(c, "kernel_size", spatialDims) + ", "
                          + perDim(c, "stride", spatialDims) + ", " + perDim(c, "padding", spatialDims) + ")");
}

LayerCode maxPool1dCode(const LayerContext& c)
{
    return torchPoolCode<1>(c, "max_pool1d");
}

LayerCode maxPool2dCode(const LayerContext& c)
{
    return torchPoolCode<2>(c, "max_pool2d");
}

LayerCode avgPool1dCode(const LayerContext& c)
{
    return torchPoolCode<1>(c, "avg_pool1d");
}

LayerCode avgPool2dCode(const LayerContext& c)
{
    return functionalCode("avg_pool2d",
                          std::to_string(c.integer("kernel_size")) + ", " + std::to_string(c.integer("stride"))
                              + ", " + std::to_string(c.integer("padding")),
                          perDim(c, "kernel_size", 2) + ", " + perDim(c, "stride", 2) + ", "
                              + perDim(c, "padding", 2));
}

LayerCode adaptiveAvgPool2dCode(const LayerContext& c)
{
    const std::string size = pyInts(c.integers("output_size"));
    return functionalCode("adaptive_avg_pool2d", size, size);
}

LayerCode globalAvgPool2dCode(const LayerContext&)
{
    return expressionCode("{in0}.mean([-2, -1])");
}

// MaxPool and AveragePool; PyTorch counts padding in averages, as
// count_include_pad says.
template <size_t spatialDims>
std::vector<std::string> poolOnnx(const LayerContext& c, OnnxBuilder& onnx, const std::string& op)
{
    OnnxAttributes attributes = {{"kernel_shape", std::vector<int64_t>(spatialDims, c.integer("kernel_size"))},
                                 {"strides", std::vector<int64_t>(spatialDims, c.integer("stride"))},
                                 {"pads", std::vector<int64_t>(2 * spatialDims, c.integer("padding"))}};
    if (op == "AveragePool")
        attributes.push_back({"count_include_pad", int64_t(1)});
    return {onnx.op(op, {onnx.input(0)}, attributes)};
}

std::vector<std::string> maxPool1dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return poolOnnx<1>(c, onnx, "MaxPool");
}

std::vector<std::string> maxPool2dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return poolOnnx<2>(c, onnx, "MaxPool");
}

std::vector<std::string> avgPool1dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return poolOnnx<1>(c, onnx, "AveragePool");
}

std::vector<std::string> avgPool2dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return poolOnnx<2>(c, onnx, "AveragePool");
}

// ONNX has no adaptive pooling; when the input divides evenly into the
// output, it is an average over fixed windows.
std::vector<std::string> adaptiveAvgPool2dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const Shape& input = c.inputShape(0);
    const std::vector<int64_t> size = c.integers("output_size");
    if (input[1] % size[0] != 0 || input[2] % size[1] != 0)
        throw std::runtime_error("has no ONNX form: ONNX pools over fixed windows, and "
                                 + std::to_string(input[1]) + "x" + std::to_string(input[2])
                                 + " does not divide evenly into " + std::to_string(size[0]) + "x"
                                 + std::to_string(size[1]));
    const std::vector<int64_t> window = {input[1] / size[0], input[2] / size[1]};
    return {onnx.op("AveragePool", {onnx.input(0)}, {{"kernel_shape", window}, {"strides", window}})};
}

std::vector<std::string> globalAvgPool2dOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Flatten", {onnx.op("GlobalAveragePool", {onnx.input(0)})}, {{"axis", int64_t(1)}})};
}

// Values one sample's windows read. Padding may be up to half a kernel, so a
// kernel of billions still gives a valid shape; refused here, its first batch
// would spin inside one pooling call where Stop cannot reach it.
constexpr double kMaxWindowReads = 1e11;

std::optional<ShapeResult> windowWorkProblem(const Shape& input, const Shape& output, int64_t kernel,
                                             size_t spatialDims)
{
    double reads = 1;
    for (int64_t size : output)
        reads *= double(size);
    for (size_t d = 0; d < spatialDims; ++d)
        reads *= double(kernel);
    if (reads <= kMaxWindowReads)
        return std::nullopt;
    char figure[32];
    std::snprintf(figure, sizeof figure, "%.2g", reads);
    std::string size = std::to_string(input[1]) + (spatialDims == 2 ? "x" + std::to_string(input[2]) : "");
    return ShapeResult::fail("kernel " + std::to_string(kernel) + " reads " + figure
                             + " values per sample, beyond the 1e+11 a layer may take; make it fit the "
                             + size + " input");
}

LayerSpec pool(const std::string& type, const std::string& displayName,
               const std::string& description, size_t spatialDims, LayerBuilder build,
               LayerCodeWriter code, OnnxWriter onnx)
{
    LayerSpec spec = unaryLayer(type, displayName, "Pooling",
                                description + " over " + spatialLayout(spatialDims));
    spec.params = {
        intParam("kernel_size", 2, 1, kNoLimit, "Length (or height and width) of each window"),
        intParam("stride", 0, 0, kNoLimit, "Step between windows; 0 uses the kernel size"),
        intParam("padding", 0, 0, kNoLimit, "Padding on every side, at most half the kernel"),
    };
    spec.shapeRule = [spatialDims](const Node& node, const std::vector<TensorType>& inputs) {
        const Shape& input = inputs.at(0).shape;
        if (auto failure = requireRank(inputs[0], spatialDims + 1, spatialLayout(spatialDims)))
            return *failure;
        const int64_t kernel = intValue(node, "kernel_size");
        const int64_t padding = intValue(node, "padding");
        const int64_t stride = intValue(node, "stride") > 0 ? intValue(node, "stride") : kernel;
        if (padding > kernel / 2)
            return ShapeResult::fail("padding " + std::to_string(padding)
                                     + " is more than half of kernel " + std::to_string(kernel));
        Shape shape{input[0]};
        for (size_t d = 1; d <= spatialDims; ++d) {
            const int64_t span = input[d] + 2 * padding - kernel;
            if (span < 0) {
                std::string size = std::to_string(input[1])
                    + (spatialDims == 2 ? "x" + std::to_string(input[2]) : "");
                std::string padded = padding > 0 ? " with padding " + std::to_string(padding) : "";
                return ShapeResult::fail("kernel " + std::to_string(kernel) + " does not fit a "
                                         + size + " input" + padded);
            }
            shape.push_back(span / stride + 1);
        }
        if (auto failure = windowWorkProblem(input, shape, kernel, spatialDims))
            return *failure;
        ShapeResult result;
        result.outputs = {shape};
        result.resolved["stride"] = stride;
        return result;
    };
    spec.build = build;
    spec.code = code;
    spec.onnx = onnx;
    return spec;
}

LayerSpec adaptiveAvgPool2d()
{
    LayerSpec spec = unaryLayer("AdaptiveAvgPool2d", "Adaptive Avg Pool 2D", "Pooling",
                                "Averages [channels, height, width] down to a fixed height and "
                                "width, whatever the input size");
    spec.params = {intListParam("output_size", {1, 1}, 1, "Output height and width")};
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 3, spatialLayout(2)))
            return *failure;
        const std::vector<int64_t> size = intListValue(node, "output_size");
        if (size.size() != 2)
            return ShapeResult::fail("needs an output_size of two values (height, width), got "
                                     + shapeToString(size));
        ShapeResult result;
        result.outputs = {Shape{inputs[0].shape[0], size[0], size[1]}};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildAdaptiveAvgPool2d);
    spec.code = adaptiveAvgPool2dCode;
    spec.onnx = adaptiveAvgPool2dOnnx;
    return spec;
}

LayerSpec globalAvgPool2d()
{
    LayerSpec spec = unaryLayer("GlobalAvgPool2d", "Global Avg Pool 2D", "Pooling",
                                "Averages each channel of [channels, height, width] to one value");
    spec.shapeRule = [](const Node&, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 3, spatialLayout(2)))
            return *failure;
        ShapeResult result;
        result.outputs = {Shape{inputs[0].shape[0]}};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildGlobalAvgPool2d);
    spec.code = globalAvgPool2dCode;
    spec.onnx = globalAvgPool2dOnnx;
    return spec;
}

} // namespace

void addPoolingLayers(LayerRegistry& registry)
{
    const std::string max = "Keeps the largest value of each window";
    const std::string average = "Averages each window";
    registry.add(pool("MaxPool1d", "Max Pool 1D", max, 1, LEPTON_BUILDER(buildMaxPool1d), maxPool1dCode, maxPool1dOnnx));
    registry.add(pool("MaxPool2d", "Max Pool 2D", max, 2, LEPTON_BUILDER(buildMaxPool2d), maxPool2dCode, maxPool2dOnnx));
    registry.add(pool("AvgPool1d", "Avg Pool 1D", average, 1, LEPTON_BUILDER(buildAvgPool1d), avgPool1dCode, avgPool1dOnnx));
    registry.add(pool("AvgPool2d", "Avg Pool 2D", average, 2, LEPTON_BUILDER(buildAvgPool2d), avgPool2dCode, avgPool2dOnnx));
    registry.add(adaptiveAvgPool2d());
    registry.add(globalAvgPool2d());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
