// Layers over [channels, height, width] samples (convolution, pooling) and
// batch normalization.

#include "graph/builtinlayers.h"

namespace lepton {

namespace {

std::optional<ShapeResult> requireChw(const Shape& input)
{
    if (input.size() == 3)
        return std::nullopt;
    return ShapeResult::fail("expects a [channels, height, width] input, got "
                             + shapeToString(input));
}

// Output of a window sliding over the height and width of `input` (floor).
ShapeResult slideWindow(const Shape& input, int64_t channels, int64_t kernel, int64_t stride,
                        int64_t padding)
{
    int64_t height = input[1] + 2 * padding - kernel;
    int64_t width = input[2] + 2 * padding - kernel;
    if (height < 0 || width < 0) {
        std::string padded = padding > 0 ? " with padding " + std::to_string(padding) : "";
        return ShapeResult::fail("kernel " + std::to_string(kernel) + " does not fit a "
                                 + std::to_string(input[1]) + "x" + std::to_string(input[2])
                                 + " input" + padded);
    }
    return {{{channels, height / stride + 1, width / stride + 1}}, {}};
}

std::vector<ParamSpec> batchNormParams()
{
    // eps must stay positive; 1e-12 is far below any useful value.
    return {floatParam("momentum", 0.1, 0, 1, "Weight of each batch in the running statistics"),
            floatParam("eps", 1e-5, 1e-12, kNoLimit, "Added to the variance for stability")};
}

} // namespace

LayerSpec conv2dSpec()
{
    LayerSpec spec = unaryLayer("Conv2d", "Conv 2D", "Convolution",
                                "2D convolution over [channels, height, width]");
    spec.params = {
        intParam("in_channels", 0, 0, kNoLimit, "Input channels; 0 infers them"),
        intParam("out_channels", 16, 1, kNoLimit, "Number of filters"),
        intParam("kernel_size", 3, 1, kNoLimit, "Height and width of each filter"),
        intParam("stride", 1, 1, kNoLimit, "Step between windows"),
        intParam("padding", 0, 0, kNoLimit, "Zeros added on every side"),
        boolParam("bias", true, "Learn an additive bias per filter"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<Shape>& inputs) {
        const Shape& input = inputs.at(0);
        if (auto failure = requireChw(input))
            return *failure;
        int64_t expected = intValue(node, "in_channels");
        if (expected > 0 && input[0] != expected)
            return ShapeResult::fail("expects " + std::to_string(expected)
                                     + " input channels, got " + std::to_string(input[0]));
        const int64_t outChannels = intValue(node, "out_channels");
        const int64_t kernel = intValue(node, "kernel_size");
        ShapeResult result = slideWindow(input, outChannels, kernel, intValue(node, "stride"),
                                         intValue(node, "padding"));
        const std::optional<int64_t> weights = weightCount(
            {input[0], outChannels, kernel, kernel}, node.params.at("bias").get<bool>() ? outChannels : 0);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        result.parameters = *weights;
        return result;
    };
    return spec;
}

LayerSpec poolSpec(const std::string& type, const std::string& displayName,
                   const std::string& description)
{
    LayerSpec spec = unaryLayer(type, displayName, "Pooling", description);
    spec.params = {
        intParam("kernel_size", 2, 1, kNoLimit, "Height and width of each window"),
        intParam("stride", 0, 0, kNoLimit, "Step between windows; 0 uses the kernel size"),
        intParam("padding", 0, 0, kNoLimit, "Padding on every side, at most half the kernel"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<Shape>& inputs) {
        const Shape& input = inputs.at(0);
        if (auto failure = requireChw(input))
            return *failure;
        int64_t kernel = intValue(node, "kernel_size");
        int64_t stride = intValue(node, "stride");
        int64_t padding = intValue(node, "padding");
        if (padding > kernel / 2)
            return ShapeResult::fail("padding " + std::to_string(padding)
                                     + " is more than half of kernel " + std::to_string(kernel));
        return slideWindow(input, input[0], kernel, stride > 0 ? stride : kernel, padding);
    };
    return spec;
}

LayerSpec batchNorm1dSpec()
{
    LayerSpec spec = unaryLayer("BatchNorm1d", "Batch Norm 1D", "Normalization",
                                "Normalizes each feature over the batch");
    spec.params = batchNormParams();
    spec.shapeRule = [](const Node&, const std::vector<Shape>& inputs) {
        const Shape& input = inputs.at(0);
        if (input.size() != 1 && input.size() != 2)
            return ShapeResult::fail("expects a [features] or [features, length] input, got "
                                     + shapeToString(input));
        return ShapeResult{{input}, {}, 2 * input[0]}; // a scale and a shift per feature
    };
    return spec;
}

LayerSpec batchNorm2dSpec()
{
    LayerSpec spec = unaryLayer("BatchNorm2d", "Batch Norm 2D", "Normalization",
                                "Normalizes each channel over the batch and positions");
    spec.params = batchNormParams();
    spec.shapeRule = [](const Node&, const std::vector<Shape>& inputs) {
        if (auto failure = requireChw(inputs.at(0)))
            return *failure;
        return ShapeResult{{inputs[0]}, {}, 2 * inputs[0][0]}; // a scale and a shift per channel
    };
    return spec;
}

} // namespace lepton
