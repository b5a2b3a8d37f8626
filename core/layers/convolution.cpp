// Convolutions over [channels, length] and [channels, height, width] samples.

#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

// Output length of a window sliding over `length` (PyTorch's floor rule), or
// nothing when the window does not fit.
std::optional<int64_t> slide(int64_t length, int64_t kernel, int64_t stride, int64_t padding,
                             int64_t dilation)
{
    const int64_t span = length + 2 * padding - dilation * (kernel - 1) - 1;
    if (span < 0)
        return std::nullopt;
    return span / stride + 1;
}

std::string windowProblem(const Shape& input, int64_t kernel, int64_t padding, int64_t dilation)
{
    std::string size;
    for (size_t d = 1; d < input.size(); ++d)
        size += (d > 1 ? "x" : "") + std::to_string(input[d]);
    std::string text = "kernel " + std::to_string(kernel);
    if (dilation > 1)
        text += " with dilation " + std::to_string(dilation);
    text += " does not fit a " + size + " input";
    if (padding > 0)
        text += " with padding " + std::to_string(padding);
    return text;
}

#ifdef LEPTON_ENGINE
template <typename Options>
Options convOptions(const LayerContext& c)
{
    return Options(c.integer("in_channels"), c.integer("out_channels"), c.integer("kernel_size"))
        .stride(c.integer("stride"))
        .padding(c.integer("padding"))
        .dilation(c.integer("dilation"))
        .groups(c.integer("groups"))
        .bias(c.flag("bias"));
}

BuiltLayer buildConv1d(const LayerContext& c)
{
    return moduleLayer(torch::nn::Conv1d(convOptions<torch::nn::Conv1dOptions>(c)));
}

BuiltLayer buildConv2d(const LayerContext& c)
{
    return moduleLayer(torch::nn::Conv2d(convOptions<torch::nn::Conv2dOptions>(c)));
}

BuiltLayer buildConvTranspose2d(const LayerContext& c)
{
    return moduleLayer(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(c.integer("in_channels"), c.integer("out_channels"),
                                          c.integer("kernel_size"))
            .stride(c.integer("stride"))
            .padding(c.integer("padding"))
            .output_padding(c.integer("output_padding"))
            .bias(c.flag("bias"))));
}
#endif

// Conv1d and Conv2d; sizes in TorchScript are lists of one per spatial dim.
LayerCode convolutionCode(const LayerContext& c, size_t spatialDims)
{
    const std::string dims = std::to_string(spatialDims);
    const auto each = [&](const char* param) {
        return pyInts(std::vector<int64_t>(spatialDims, c.integer(param)));
    };
    return moduleCode(
        c,
        "nn.Conv" + dims + "d(" + std::to_string(c.integer("in_channels")) + ", "
            + std::to_string(c.integer("out_channels")) + ", " + std::to_string(c.integer("kernel_size"))
            + ", stride=" + std::to_string(c.integer("stride")) + ", padding="
            + std::to_string(c.integer("padding")) + ", dilation=" + std::to_string(c.integer("dilation"))
            + ", groups=" + std::to_string(c.integer("groups")) + ", bias=" + pyBool(c.flag("bias")) + ")",
        "def forward(self, x: Tensor) -> Tensor:\n"
        "    return torch.conv" + dims + "d(x, self.weight, " + tensorOrNone(c.flag("bias"), "self.bias")
            + ", " + each("stride") + ", " + each("padding") + ", " + each("dilation") + ", "
            + std::to_string(c.integer("groups")) + ")\n");
}

LayerCode conv1dCode(const LayerContext& c)
{
    return convolutionCode(c, 1);
}

LayerCode conv2dCode(const LayerContext& c)
{
    return convolutionCode(c, 2);
}

LayerCode convTranspose2dCode(const LayerContext& c)
{
    const auto pair = [&](const char* param) { return pyInts({c.integer(param), c.integer(param)}); };
    return moduleCode(
        c,
        "nn.ConvTranspose2d(" + std::to_string(c.integer("in_channels")) + ", "
            + std::to_string(c.integer("out_channels")) + ", " + std::to_string(c.integer("kernel_size"))
            + ", stride=" + std::to_string(c.integer("stride")) + ", padding="
            + std::to_string(c.integer("padding")) + ", output_padding="
            + std::to_string(c.integer("output_padding")) + ", bias=" + pyBool(c.flag("bias")) + ")",
        "def forward(self, x: Tensor) -> Tensor:\n"
        "    return torch.conv_transpose2d(x, self.weight, " + tensorOrNone(c.flag("bias"), "self.bias")
            + ", " + pair("stride") + ", " + pair("padding") + ", " + pair("output_padding")
            + ", 1, [1, 1])\n");
}

// Conv1d and Conv2d.
std::vector<std::string> convolutionOnnx(const LayerContext& c, OnnxBuilder& onnx, size_t spatialDims)
{
    std::vector<std::string> inputs = {onnx.input(0), onnx.weight("weight")};
    if (c.flag("bias"))
        inputs.push_back(onnx.weight("bias"));
    const auto each = [&](const char* param, size_t times) {
        return std::vector<int64_t>(times, c.integer(param));
    };
    return {onnx.op("Conv", inputs,
                    {{"kernel_shape", each("kernel_size", spatialDims)},
                     {"strides", each("stride", spatialDims)},
                     {"pads", each("padding", 2 * spatialDims)},
                     {"dilations", each("dilation", spatialDims)},
                     {"group", c.integer("groups")}})};
}

std::vector<std::string> conv1dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return convolutionOnnx(c, onnx, 1);
}

std::vector<std::string> conv2dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return convolutionOnnx(c, onnx, 2);
}

std::vector<std::string> convTranspose2dOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    std::vector<std::string> inputs = {onnx.input(0), onnx.weight("weight")};
    if (c.flag("bias"))
        inputs.push_back(onnx.weight("bias"));
    const auto pair = [&](const char* param) { return std::vector<int64_t>(2, c.integer(param)); };
    return {onnx.op("ConvTranspose", inputs,
                    {{"kernel_shape", pair("kernel_size")},
                     {"strides", pair("stride")},
                     {"pads", std::vector<int64_t>(4, c.integer("padding"))},
                     {"output_padding", pair("output_padding")}})};
}

std::vector<ParamSpec> channelParams(int64_t defaultStride)
{
    return {
        intParam("in_channels", 0, 0, kNoLimit, "Input channels; 0 infers them"),
        intParam("out_channels", 16, 1, kNoLimit, "Number of filters"),
        intParam("kernel_size", 3, 1, kNoLimit, "Length (or height and width) of each filter"),
        intParam("stride", defaultStride, 1, kNoLimit, "Step between windows"),
        intParam("padding", 0, 0, kNoLimit, "Zeros added on every side"),
    };
}

// The input of a convolution: `spatialDims` + 1 dims, channels matching
// in_channels unless it is 0 (infer).
std::optional<ShapeResult> channelInputProblem(const Node& node, const TensorType& input,
                                               size_t spatialDims)
{
    if (auto failure = requireRank(input, spatialDims + 1, spatialLayout(spatialDims)))
        return failure;
    std::string problem =
        inferredSizeProblem(node, "in_channels", input.shape[0], "input channels");
    if (!problem.empty())
        return ShapeResult::fail(problem);
    return std::nullopt;
}

// Conv1d and Conv2d: the same rule over one or two spatial dims.
LayerSpec convolution(const std::string& type, const std::string& displayName, size_t spatialDims)
{
    LayerSpec spec = unaryLayer(type, displayName, "Convolution",
                                std::to_string(spatialDims) + "D convolution over "
                                    + spatialLayout(spatialDims)
                                    + "; groups equal to the channels make it depthwise");
    spec.params = channelParams(1);
    spec.params.push_back(intParam("dilation", 1, 1, kNoLimit, "Spacing between filter taps"));
    spec.params.push_back(intParam("groups", 1, 1, kNoLimit,
                                   "Channel groups convolved separately; must divide both "
                                   "channel counts"));
    spec.params.push_back(boolParam("bias", true, "Learn an additive bias per filter"));
    spec.shapeRule = [spatialDims](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = channelInputProblem(node, inputs.at(0), spatialDims))
            return *failure;
        const Shape& input = inputs[0].shape;
        const int64_t in = input[0];
        const int64_t out = intValue(node, "out_channels");
        const int64_t groups = intValue(node, "groups");
        if (in % groups != 0 || out % groups != 0)
            return ShapeResult::fail("groups " + std::to_string(groups) + " must divide "
                                     + std::to_string(in) + " input and " + std::to_string(out)
                                     + " output channels");
        const int64_t kernel = intValue(node, "kernel_size");
        const int64_t padding = intValue(node, "padding");
        const int64_t dilation = intValue(node, "dilation");
        Shape shape{out};
        int64_t positions = 1;
        for (size_t d = 1; d <= spatialDims; ++d) {
            std::optional<int64_t> length =
                slide(input[d], kernel, intValue(node, "stride"), padding, dilation);
            if (!length)
                return ShapeResult::fail(windowProblem(input, kernel, padding, dilation));
            shape.push_back(*length);
            positions = saturatingProduct({positions, *length});
        }
        const int64_t taps = spatialDims == 1 ? kernel : saturatingProduct({kernel, kernel});
        const std::optional<int64_t> weights =
            weightCount({out, in / groups, taps}, boolValue(node, "bias") ? out : 0);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        ShapeResult result;
        result.outputs = {shape};
        result.parameters = *weights;
        result.macs = saturatingProduct({positions, out, in / groups, taps});
        result.resolved["in_channels"] = in;
        return result;
    };
    return spec;
}

LayerSpec conv1d()
{
    LayerSpec spec = convolution("Conv1d", "Conv 1D", 1);
    spec.build = LEPTON_BUILDER(buildConv1d);
    spec.code = conv1dCode;
    spec.onnx = conv1dOnnx;
    return spec;
}

LayerSpec conv2d()
{
    LayerSpec spec = convolution("Conv2d", "Conv 2D", 2);
    spec.build = LEPTON_BUILDER(buildConv2d);
    spec.code = conv2dCode;
    spec.onnx = conv2dOnnx;
    return spec;
}

LayerSpec convTranspose2d()
{
    LayerSpec spec = unaryLayer("ConvTranspose2d", "Conv Transpose 2D", "Convolution",
                                "Transposed 2D convolution: learns to upsample [channels, "
                                "height, width]");
    spec.params = channelParams(2);
    spec.params.push_back(intParam("output_padding", 0, 0, kNoLimit,
                                   "Extra rows and columns on one side; less than the stride"));
    spec.params.push_back(boolParam("bias", true, "Learn an additive bias per filter"));
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = channelInputProblem(node, inputs.at(0), 2))
            return *failure;
        const Shape& input = inputs[0].shape;
        const int64_t in = input[0];
        const int64_t out = intValue(node, "out_channels");
        const int64_t kernel = intValue(node, "kernel_size");
        const int64_t stride = intValue(node, "stride");
        const int64_t padding = intValue(node, "padding");
        const int64_t extra = intValue(node, "output_padding");
        if (extra >= stride)
            return ShapeResult::fail("output_padding " + std::to_string(extra)
                                     + " must be less than stride " + std::to_string(stride));
        Shape shape{out};
        for (size_t d = 1; d <= 2; ++d) {
            // Wide enough for any dims and params the file format allows.
            const __int128 length = __int128(input[d] - 1) * stride - 2 * __int128(padding) + kernel + extra;
            if (length < 1)
                return ShapeResult::fail("padding " + std::to_string(padding)
                                         + " leaves nothing of a " + std::to_string(input[1])
                                         + "x" + std::to_string(input[2]) + " input");
            if (length > __int128(kParamIntLimit))
                return ShapeResult::fail("would make outputs longer than " + std::to_string(int64_t(kParamIntLimit))
                                         + " from a " + std::to_string(input[1]) + "x" + std::to_string(input[2])
                                         + " input");
            shape.push_back(int64_t(length));
        }
        const std::optional<int64_t> weights =
            weightCount({in, out, kernel, kernel}, boolValue(node, "bias") ? out : 0);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        ShapeResult result;
        result.outputs = {shape};
        result.parameters = *weights;
        result.macs = saturatingProduct({input[1], input[2], in, out, kernel, kernel});
        result.resolved["in_channels"] = in;
        return result;
    };
    spec.build = LEPTON_BUILDER(buildConvTranspose2d);
    spec.code = convTranspose2dCode;
    spec.onnx = convTranspose2dOnnx;
    return spec;
}

} // namespace

void addConvolutionLayers(LayerRegistry& registry)
{
    registry.add(conv1d());
    registry.add(conv2d());
    registry.add(convTranspose2d());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
