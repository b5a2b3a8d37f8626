// Normalization and regularization layers.

#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
BuiltLayer buildBatchNorm1d(const LayerContext& c)
{
    return moduleLayer(torch::nn::BatchNorm1d(
        torch::nn::BatchNorm1dOptions(c.inputShape(0).at(0))
            .momentum(c.number("momentum"))
            .eps(c.number("eps"))));
}

BuiltLayer buildBatchNorm2d(const LayerContext& c)
{
    return moduleLayer(torch::nn::BatchNorm2d(
        torch::nn::BatchNorm2dOptions(c.inputShape(0).at(0))
            .momentum(c.number("momentum"))
            .eps(c.number("eps"))));
}

BuiltLayer buildLayerNorm(const LayerContext& c)
{
    const Shape& input = c.inputShape(0);
    const std::vector<int64_t> normalized(input.end() - c.integer("normalized_dims"), input.end());
    return moduleLayer(torch::nn::LayerNorm(torch::nn::LayerNormOptions(normalized)
                                                .eps(c.number("eps"))
                                                .elementwise_affine(c.flag("affine"))));
}

BuiltLayer buildGroupNorm(const LayerContext& c)
{
    return moduleLayer(torch::nn::GroupNorm(
        torch::nn::GroupNormOptions(c.integer("groups"), c.inputShape(0).at(0))
            .eps(c.number("eps"))
            .affine(c.flag("affine"))));
}

BuiltLayer buildDropout(const LayerContext& c)
{
    const double p = c.number("p");
    return {nullptr, [p](const Tensors& in, bool training) {
                return Tensors{torch::dropout(in.at(0), p, training)};
            }};
}
#endif

ParamSpec epsParam()
{
    // eps must stay positive; 1e-12 is far below any useful value.
    return floatParam("eps", 1e-5, 1e-12, kNoLimit, "Added to the variance for stability");
}

std::vector<ParamSpec> batchNormParams()
{
    return {floatParam("momentum", 0.1, 0, 1, "Weight of each batch in the running statistics"),
            epsParam()};
}

// A scale and a shift per channel (or per normalized element).
ShapeResult withAffine(const TensorType& output, int64_t scaled, bool affine)
{
    ShapeResult result;
    result.outputs = {output};
    result.parameters = affine ? saturatingProduct({2, scaled}) : 0;
    return result;
}

// BatchNorm1d and BatchNorm2d, over the channels of the first sample dim.
LayerCode batchNormCode(const LayerContext& c, const std::string& dims)
{
    const std::string momentum = pyFloat(c.number("momentum"));
    const std::string eps = pyFloat(c.number("eps"));
    return moduleCode(c,
                      "nn.BatchNorm" + dims + "(" + std::to_string(c.inputShape(0).at(0)) + ", eps=" + eps
                          + ", momentum=" + momentum + ")",
                      "def forward(self, x: Tensor) -> Tensor:\n"
                      "    return torch.batch_norm(x, self.weight, self.bias, self.running_mean, "
                      "self.running_var, self.training, " + momentum + ", " + eps + ", True)\n");
}

LayerCode batchNorm1dCode(const LayerContext& c)
{
    return batchNormCode(c, "1d");
}

LayerCode batchNorm2dCode(const LayerContext& c)
{
    return batchNormCode(c, "2d");
}

LayerCode layerNormCode(const LayerContext& c)
{
    const Shape& input = c.inputShape(0);
    const std::string normalized = pyInts(Shape(input.end() - c.integer("normalized_dims"), input.end()));
    const std::string eps = pyFloat(c.number("eps"));
    const bool affine = c.flag("affine");
    return moduleCode(c,
                      "nn.LayerNorm(" + normalized + ", eps=" + eps + ", elementwise_affine=" + pyBool(affine) + ")",
                      "def forward(self, x: Tensor) -> Tensor:\n"
                      "    return torch.layer_norm(x, " + normalized + ", " + tensorOrNone(affine, "self.weight")
                          + ", " + tensorOrNone(affine, "self.bias") + ", " + eps + ", True)\n");
}

LayerCode groupNormCode(const LayerContext& c)
{
    const std::string groups = std::to_string(c.integer("groups"));
    const std::string eps = pyFloat(c.number("eps"));
    const bool affine = c.flag("affine");
    return moduleCode(c,
                      "nn.GroupNorm(" + groups + ", " + std::to_string(c.inputShape(0).at(0)) + ", eps=" + eps
                          + ", affine=" + pyBool(affine) + ")",
                      "def forward(self, x: Tensor) -> Tensor:\n"
                      "    return torch.group_norm(x, " + groups + ", " + tensorOrNone(affine, "self.weight")
                          + ", " + tensorOrNone(affine, "self.bias") + ", " + eps + ", True)\n");
}

LayerCode dropoutCode(const LayerContext& c)
{
    return expressionCode("torch.dropout({in0}, " + pyFloat(c.number("p")) + ", self.training)");
}

std::vector<std::string> batchNormOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return {onnx.op("BatchNormalization",
                    {onnx.input(0), onnx.weight("weight"), onnx.weight("bias"), onnx.weight("running_mean"),
                     onnx.weight("running_var")},
                    {{"epsilon", static_cast<float>(c.number("eps"))}})};
}

std::vector<std::string> layerNormOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const bool affine = c.flag("affine");
    const int64_t rank = static_cast<int64_t>(c.inputShape(0).size()) + 1;
    return {onnxLayerNorm(onnx, onnx.input(0), rank, c.integer("normalized_dims"), c.number("eps"),
                          affine ? "weight" : "", affine ? "bias" : "")};
}

// Each sample's channels in `groups` groups, normalized over each group's
// channels and positions, then scaled and shifted per channel.
std::vector<std::string> groupNormOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const Shape& input = c.inputShape(0);
    const std::string grouped = onnx.op("Reshape", {onnx.input(0), onnx.constantInts({0, c.integer("groups"), -1})});
    const std::string normalized = onnxLayerNorm(onnx, grouped, 3, 1, c.number("eps"), "", "");
    std::vector<int64_t> original{0}; // 0 keeps the batch
    original.insert(original.end(), input.begin(), input.end());
    std::string y = onnx.op("Reshape", {normalized, onnx.constantInts(original)});
    if (c.flag("affine")) {
        // Per channel: [channels, 1, ...] broadcasts over the positions.
        std::vector<int64_t> perChannel(c.inputShape(0).size(), 1);
        perChannel[0] = -1;
        const std::string shape = onnx.constantInts(perChannel);
        y = onnx.op("Mul", {y, onnx.op("Reshape", {onnx.weight("weight"), shape})});
        y = onnx.op("Add", {y, onnx.op("Reshape", {onnx.weight("bias"), shape})});
    }
    return {y};
}

// Inference: nothing is dropped.
std::vector<std::string> dropoutOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.input(0)};
}

LayerSpec batchNorm1d()
{
    LayerSpec spec = unaryLayer("BatchNorm1d", "Batch Norm 1D", "Normalization",
                                "Normalizes each feature over the batch");
    spec.params = batchNormParams();
    spec.shapeRule = [](const Node&, const std::vector<TensorType>& inputs) {
        const Shape& input = inputs.at(0).shape;
        if (input.size() != 1 && input.size() != 2)
            return ShapeResult::fail("expects a [features] or [features, length] input, got "
                                     + shapeToString(input));
        return withAffine(inputs[0], input[0], true);
    };
    spec.build = LEPTON_BUILDER(buildBatchNorm1d);
    spec.code = batchNorm1dCode;
    spec.onnx = batchNormOnnx;
    return spec;
}

LayerSpec batchNorm2d()
{
    LayerSpec spec = unaryLayer("BatchNorm2d", "Batch Norm 2D", "Normalization",
                                "Normalizes each channel over the batch and positions");
    spec.params = batchNormParams();
    spec.shapeRule = [](const Node&, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 3, spatialLayout(2)))
            return *failure;
        return withAffine(inputs[0], inputs[0].shape[0], true);
    };
    spec.build = LEPTON_BUILDER(buildBatchNorm2d);
    spec.code = batchNorm2dCode;
    spec.onnx = batchNormOnnx;
    return spec;
}

LayerSpec layerNorm()
{
    LayerSpec spec = unaryLayer("LayerNorm", "Layer Norm", "Normalization",
                                "Normalizes each sample over its last dimensions");
    spec.params = {
        intParam("normalized_dims", 1, 1, 8,
                 "How many trailing dimensions are normalized together"),
        epsParam(),
        boolParam("affine", true, "Learn a scale and a shift per normalized element"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const Shape& input = inputs.at(0).shape;
        const int64_t dims = intValue(node, "normalized_dims");
        if (dims > static_cast<int64_t>(input.size()))
            return ShapeResult::fail("normalizes " + std::to_string(dims)
                                     + " dimensions of an input that has only "
                                     + std::to_string(input.size()));
        const Shape normalized(input.end() - dims, input.end());
        return withAffine(inputs[0], shapeElementCount(normalized), boolValue(node, "affine"));
    };
    spec.build = LEPTON_BUILDER(buildLayerNorm);
    spec.code = layerNormCode;
    spec.onnx = layerNormOnnx;
    return spec;
}

LayerSpec groupNorm()
{
    LayerSpec spec = unaryLayer("GroupNorm", "Group Norm", "Normalization",
                                "Normalizes groups of channels of each sample; independent of "
                                "the batch size");
    spec.params = {
        intParam("groups", 4, 1, kNoLimit, "Channel groups; must divide the channels"),
        epsParam(),
        boolParam("affine", true, "Learn a scale and a shift per channel"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const Shape& input = inputs.at(0).shape;
        if (input.size() < 2)
            return ShapeResult::fail("expects a [channels, ...] input with positions, got "
                                     + shapeToString(input));
        const int64_t groups = intValue(node, "groups");
        if (input[0] % groups != 0)
            return ShapeResult::fail("groups " + std::to_string(groups) + " must divide "
                                     + std::to_string(input[0]) + " channels");
        return withAffine(inputs[0], input[0], boolValue(node, "affine"));
    };
    spec.build = LEPTON_BUILDER(buildGroupNorm);
    spec.code = groupNormCode;
    spec.onnx = groupNormOnnx;
    return spec;
}

LayerSpec dropout()
{
    LayerSpec spec = unaryLayer("Dropout", "Dropout", "Regularization",
                                "Zeroes random elements while training, scaling the rest");
    spec.params = {floatParam("p", 0.5, 0, 1, "Probability of zeroing an element")};
    spec.shapeRule = sameType;
    spec.build = LEPTON_BUILDER(buildDropout);
    spec.code = dropoutCode;
    spec.onnx = dropoutOnnx;
    return spec;
}

} // namespace

void addNormalizationLayers(LayerRegistry& registry)
{
    registry.add(batchNorm1d());
    registry.add(batchNorm2d());
    registry.add(layerNorm());
    registry.add(groupNorm());
    registry.add(dropout());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
