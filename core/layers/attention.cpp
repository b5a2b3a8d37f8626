// Token embeddings, positional encodings and attention over [length,
// features] sequences.

#include "layers/layerkit.h"

#include <cmath>

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
BuiltLayer buildEmbedding(const LayerContext& c)
{
    auto options = torch::nn::EmbeddingOptions(c.integer("num_embeddings"),
                                               c.integer("embedding_dim"));
    if (c.integer("padding_idx") >= 0)
        options.padding_idx(c.integer("padding_idx"));
    return moduleLayer(torch::nn::Embedding(options));
}

// sin(pos / 10000^(2i/E)) in even features, cos in odd ones.
torch::Tensor sinusoids(int64_t length, int64_t features)
{
    torch::Tensor position = torch::arange(length, torch::kFloat32).unsqueeze(1);
    torch::Tensor rate = torch::exp(torch::arange(0, features, 2, torch::kFloat32)
                                    * (-std::log(10000.0) / static_cast<double>(features)));
    torch::Tensor table = torch::zeros({length, features});
    table.slice(1, 0, features, 2).copy_(torch::sin(position * rate));
    table.slice(1, 1, features, 2).copy_(torch::cos(position * rate).slice(1, 0, features / 2));
    return table;
}

BuiltLayer buildPositionalEncoding(const LayerContext& c)
{
    const Shape& input = c.inputShape(0);
    auto holder = std::make_shared<torch::nn::Module>();
    torch::Tensor table;
    if (c.choice("kind") == "learned")
        table = holder->register_parameter("encoding", 0.02 * torch::randn({input[0], input[1]}));
    else
        table = holder->register_buffer("encoding", sinusoids(input[0], input[1]));
    return {holder, [table](const Tensors& in, bool) { return Tensors{in.at(0) + table}; }};
}

BuiltLayer buildMultiheadAttention(const LayerContext& c)
{
    torch::nn::MultiheadAttention attention(
        torch::nn::MultiheadAttentionOptions(c.integer("embed_dim"), c.integer("num_heads"))
            .kdim(c.inputShape(1).at(1))
            .vdim(c.inputShape(1).at(1))
            .dropout(c.number("dropout"))
            .bias(c.flag("bias")));
    // The module wants [length, batch, features]; the graph carries the batch first.
    return {attention.ptr(), [attention](const Tensors& in, bool) mutable {
                auto [out, weights] = attention->forward(
                    in.at(0).transpose(0, 1), in.at(1).transpose(0, 1), in.at(2).transpose(0, 1));
                return Tensors{out.transpose(0, 1), weights};
            }};
}

BuiltLayer buildTransformerEncoderLayer(const LayerContext& c)
{
    auto options = torch::nn::TransformerEncoderLayerOptions(c.integer("d_model"),
                                                             c.integer("nhead"))
                       .dim_feedforward(c.integer("dim_feedforward"))
                       .dropout(c.number("dropout"));
    if (c.choice("activation") == "gelu")
        options.activation(torch::kGELU);
    torch::nn::TransformerEncoderLayer layer(options);
    return {layer.ptr(), [layer](const Tensors& in, bool) mutable {
                return Tensors{layer->forward(in.at(0).transpose(0, 1)).transpose(0, 1)};
            }};
}
#endif

LayerCode embeddingCode(const LayerContext& c)
{
    const int64_t padding = c.integer("padding_idx");
    return moduleCode(c,
                      "nn.Embedding(" + std::to_string(c.integer("num_embeddings")) + ", "
                          + std::to_string(c.integer("embedding_dim")) + ", padding_idx="
                          + (padding >= 0 ? std::to_string(padding) : "None") + ")",
                      "def forward(self, x: Tensor) -> Tensor:\n"
                      "    return torch.embedding(self.weight, x, " + std::to_string(padding) + ", False, False)\n");
}

const char* const kPositionalEncodingSource = R"(class PositionalEncoding(nn.Module):
    """Adds a position signal to each step of [batch, length, features]:
    fixed sinusoids (sin in even features, cos in odd ones) or learned."""

    def __init__(self, length, features, learned):
        super().__init__()
        if learned:
            self.encoding = nn.Parameter(0.02 * torch.randn(length, features))
        else:
            position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
            rate = torch.exp(torch.arange(0, features, 2, dtype=torch.float32)
                             * (-math.log(10000.0) / features))
            table = torch.zeros(length, features)
            table[:, 0::2] = torch.sin(position * rate)
            table[:, 1::2] = torch.cos(position * rate)[:, :features // 2]
            self.register_buffer("encoding", table)

    def forward(self, x):
        return x + self.encoding
)";

LayerCode positionalEncodingCode(const LayerContext& c)
{
    const Shape& input = c.inputShape(0);
    LayerCode code = moduleCode(c,
                                "PositionalEncoding(" + std::to_string(input.at(0)) + ", "
                                    + std::to_string(input.at(1))
                                    + ", learned=" + pyBool(c.choice("kind") == "learned") + ")",
                                "def forward(self, x: Tensor) -> Tensor:\n"
                                "    return x + self.encoding\n");
    code.helperSource = kPositionalEncodingSource;
    return code;
}

// TorchScript statements of multi-head attention over the tensors of
// PyTorch's MultiheadAttention at `owner` ("self", "self.self_attn"), inputs
// [batch, length, features]: leaves `attended` and the head-averaged
// `weights`. Packed in_proj_weight when query and key features agree.
std::string attentionScript(const std::string& owner, const std::string& query, const std::string& key,
                            const std::string& value, int64_t embed, int64_t heads, bool packed,
                            bool bias, double dropout)
{
    const std::string e = std::to_string(embed);
    const std::string e2 = std::to_string(2 * embed);
    const std::string head = std::to_string(embed / heads);
    const auto projection = [&](const std::string& input, const std::string& separate,
                                const std::string& from, const std::string& to) {
        const std::string weight =
            packed ? owner + ".in_proj_weight[" + from + ":" + to + "]" : owner + "." + separate;
        return "torch.linear(" + input + ", " + weight + ", "
               + tensorOrNone(bias, owner + ".in_proj_bias[" + from + ":" + to + "]") + ")";
    };
    return "    batch = " + query + ".size(0)\n"
           "    q = " + projection(query, "q_proj_weight", "0", e) + ".reshape([batch, -1, "
           + std::to_string(heads) + ", " + head + "]).transpose(1, 2)\n"
           "    k = " + projection(key, "k_proj_weight", e, e2) + ".reshape([batch, -1, "
           + std::to_string(heads) + ", " + head + "]).transpose(1, 2)\n"
           "    v = " + projection(value, "v_proj_weight", e2, "") + ".reshape([batch, -1, "
           + std::to_string(heads) + ", " + head + "]).transpose(1, 2)\n"
           "    weights = torch.softmax(torch.matmul(q / " + pyFloat(std::sqrt(static_cast<double>(embed / heads)))
           + ", k.transpose(-2, -1)), -1)\n"
           "    weights = torch.dropout(weights, " + pyFloat(dropout) + ", self.training)\n"
           "    attended = torch.matmul(weights, v).transpose(1, 2).reshape([batch, -1, " + e + "])\n"
           "    attended = torch.linear(attended, " + owner + ".out_proj.weight, "
           + tensorOrNone(bias, owner + ".out_proj.bias") + ")\n"
           "    weights = weights.mean(1)\n";
}

LayerCode multiheadAttentionCode(const LayerContext& c)
{
    const int64_t embed = c.integer("embed_dim");
    const int64_t keyFeatures = c.inputShape(1).at(1);
    const bool bias = c.flag("bias");
    LayerCode code = moduleCode(
        c,
        "nn.MultiheadAttention(" + std::to_string(embed) + ", " + std::to_string(c.integer("num_heads"))
            + ", dropout=" + pyFloat(c.number("dropout")) + ", bias=" + pyBool(bias) + ", kdim="
            + std::to_string(keyFeatures) + ", vdim=" + std::to_string(keyFeatures) + ", batch_first=True)",
        "def forward(self, query: Tensor, key: Tensor, value: Tensor) -> Tuple[Tensor, Tensor]:\n"
            + attentionScript("self", "query", "key", "value", embed, c.integer("num_heads"),
                              keyFeatures == embed, bias, c.number("dropout"))
            + "    return attended, weights\n");
    code.statements = {"{out0}, {out1} = {self}({in0}, {in1}, {in2})"};
    return code;
}

LayerCode transformerEncoderLayerCode(const LayerContext& c)
{
    const int64_t model = c.integer("d_model");
    const std::string d = std::to_string(model);
    const std::string p = pyFloat(c.number("dropout"));
    const std::string activation = c.choice("activation");
    const auto norm = [&](const std::string& x, const std::string& which) {
        return "torch.layer_norm(" + x + ", [" + d + "], self." + which + ".weight, self." + which
               + ".bias, 1e-05, True)";
    };
    return moduleCode(
        c,
        "nn.TransformerEncoderLayer(" + d + ", " + std::to_string(c.integer("nhead")) + ", dim_feedforward="
            + std::to_string(c.integer("dim_feedforward")) + ", dropout=" + p + ", activation=\""
            + activation + "\", batch_first=True)",
        "def forward(self, x: Tensor) -> Tensor:\n"
            + attentionScript("self.self_attn", "x", "x", "x", model, c.integer("nhead"), true, true,
                              c.number("dropout"))
            + "    x = " + norm("x + torch.dropout(attended, " + p + ", self.training)", "norm1") + "\n"
            "    hidden = torch." + activation + "(torch.linear(x, self.linear1.weight, self.linear1.bias))\n"
            "    hidden = torch.linear(torch.dropout(hidden, " + p + ", self.training), self.linear2.weight, "
            "self.linear2.bias)\n"
            "    return " + norm("x + torch.dropout(hidden, " + p + ", self.training)", "norm2") + "\n");
}

std::vector<std::string> embeddingOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Gather", {onnx.weight("weight"), onnx.input(0)}, {{"axis", int64_t(0)}})};
}

std::vector<std::string> positionalEncodingOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Add", {onnx.input(0), onnx.weight("encoding")})};
}

std::vector<std::string> multiheadAttentionOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const OnnxAttention attention = onnxAttention(onnx, onnx.input(0), onnx.input(1), onnx.input(2), "",
                                                  c.integer("embed_dim"), c.integer("num_heads"));
    return {attention.attended, attention.weights};
}

// Post-norm, as PyTorch's: x = norm1(x + attention(x)); norm2(x + feed-forward(x)).
std::vector<std::string> transformerEncoderLayerOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const std::string x = onnx.input(0);
    const OnnxAttention attention = onnxAttention(onnx, x, x, x, "self_attn.", c.integer("d_model"), c.integer("nhead"));
    const std::string attended =
        onnxLayerNorm(onnx, onnx.op("Add", {x, attention.attended}), 3, 1, 1e-5, "norm1.weight", "norm1.bias");
    std::string hidden = onnxLinear(onnx, attended, "linear1.weight", "linear1.bias");
    hidden = c.choice("activation") == "gelu" ? onnxGelu(onnx, hidden) : onnx.op("Relu", {hidden});
    const std::string fed = onnxLinear(onnx, hidden, "linear2.weight", "linear2.bias");
    return {onnxLayerNorm(onnx, onnx.op("Add", {attended, fed}), 3, 1, 1e-5, "norm2.weight", "norm2.bias")};
}

const std::string kSequence = "[length, features]";

LayerSpec embedding()
{
    LayerSpec spec = unaryLayer("Embedding", "Embedding", "Sequence",
                                "Looks up a learned vector for each int64 token id");
    spec.inputDType = InputDType::Int64;
    spec.params = {
        intParam("num_embeddings", 1000, 1, kNoLimit,
                 "Vocabulary size: ids run from 0 to this - 1"),
        intParam("embedding_dim", 64, 1, kNoLimit, "Features of each vector"),
        intParam("padding_idx", -1, -1, kNoLimit,
                 "Id whose vector stays zero and untrained (padding); -1 for none"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const int64_t count = intValue(node, "num_embeddings");
        const int64_t dim = intValue(node, "embedding_dim");
        if (intValue(node, "padding_idx") >= count)
            return ShapeResult::fail("padding_idx " + std::to_string(intValue(node, "padding_idx"))
                                     + " is not below num_embeddings " + std::to_string(count));
        const std::optional<int64_t> weights = weightCount({count, dim});
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        Shape shape = inputs.at(0).shape;
        shape.push_back(dim);
        ShapeResult result;
        result.outputs = {shape};
        result.parameters = *weights;
        return result;
    };
    spec.build = LEPTON_BUILDER(buildEmbedding);
    spec.code = embeddingCode;
    spec.onnx = embeddingOnnx;
    return spec;
}

LayerSpec positionalEncoding()
{
    LayerSpec spec = unaryLayer("PositionalEncoding", "Positional Encoding", "Sequence",
                                "Adds a position signal to each step of [length, features], "
                                "fixed sinusoids or learned");
    spec.params = {choiceParam("kind", "sinusoidal", {"sinusoidal", "learned"},
                               "Fixed sine and cosine waves, or one learned vector per position")};
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 2, kSequence))
            return *failure;
        ShapeResult result = sameType(node, inputs);
        if (choiceValue(node, "kind") == "learned")
            result.parameters = shapeElementCount(inputs[0].shape);
        return result;
    };
    spec.build = LEPTON_BUILDER(buildPositionalEncoding);
    spec.code = positionalEncodingCode;
    spec.onnx = positionalEncodingOnnx;
    return spec;
}

LayerSpec multiheadAttention()
{
    LayerSpec spec = unaryLayer("MultiheadAttention", "Multi-head Attention", "Attention",
                                "Attends from each query step to every key step; connect one "
                                "source to all three inputs for self-attention");
    spec.inputPorts = {"query", "key", "value"};
    spec.outputPorts = {"out", "weights"};
    spec.params = {
        intParam("embed_dim", 0, 0, kNoLimit, "Features of the query and output; 0 infers them"),
        intParam("num_heads", 4, 1, kNoLimit, "Parallel heads; must divide embed_dim"),
        floatParam("dropout", 0, 0, 1, "Dropout on the attention weights while training"),
        boolParam("bias", true, "Learn additive biases in the projections"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const char* names[] = {"query", "key", "value"};
        for (size_t port = 0; port < 3; ++port) {
            if (auto failure = requireRank(inputs.at(port), 2, kSequence)) {
                failure->error = std::string(names[port]) + " " + failure->error;
                return *failure;
            }
        }
        const Shape& query = inputs[0].shape;
        const Shape& key = inputs[1].shape;
        const Shape& value = inputs[2].shape;
        const int64_t embed = query[1];
        std::string problem = inferredSizeProblem(node, "embed_dim", embed, "query features");
        if (!problem.empty())
            return ShapeResult::fail(problem);
        const int64_t heads = intValue(node, "num_heads");
        if (embed % heads != 0)
            return ShapeResult::fail("num_heads " + std::to_string(heads) + " must divide "
                                     + std::to_string(embed) + " features");
        // LibTorch's attention takes keys and values of one shape only.
        if (key != value)
            return ShapeResult::fail("key has shape " + shapeToString(key) + " but value has "
                                     + shapeToString(value) + "; they must match");
        const int64_t biases = boolValue(node, "bias") ? 4 * embed : 0;
        const std::optional<int64_t> weights =
            weightCount({embed, 2 * embed + 2 * key[1]}, biases);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        ShapeResult result;
        result.outputs = {query, Shape{query[0], key[0]}};
        result.parameters = *weights;
        const double length = static_cast<double>(query[0]);
        const double steps = static_cast<double>(key[0]);
        result.macs = clampedCount(static_cast<double>(embed)
                                   * 2 * (length * embed + steps * key[1] + length * steps));
        result.resolved["embed_dim"] = embed;
        return result;
    };
    spec.build = LEPTON_BUILDER(buildMultiheadAttention);
    spec.code = multiheadAttentionCode;
    spec.onnx = multiheadAttentionOnnx;
    return spec;
}

LayerSpec transformerEncoderLayer()
{
    LayerSpec spec = unaryLayer("TransformerEncoderLayer", "Transformer Encoder", "Attention",
                                "Self-attention and a feed-forward block, each with a residual "
                                "add and layer norm, over [length, features]");
    spec.params = {
        intParam("d_model", 0, 0, kNoLimit, "Features per step; 0 infers them"),
        intParam("nhead", 4, 1, kNoLimit, "Attention heads; must divide d_model"),
        intParam("dim_feedforward", 256, 1, kNoLimit, "Hidden features of the feed-forward block"),
        floatParam("dropout", 0.1, 0, 1, "Dropout while training"),
        choiceParam("activation", "relu", {"relu", "gelu"}, "Activation of the feed-forward block"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 2, kSequence))
            return *failure;
        const int64_t length = inputs[0].shape[0];
        const int64_t model = inputs[0].shape[1];
        std::string problem = inferredSizeProblem(node, "d_model", model, "features per step");
        if (!problem.empty())
            return ShapeResult::fail(problem);
        const int64_t heads = intValue(node, "nhead");
        if (model % heads != 0)
            return ShapeResult::fail("nhead " + std::to_string(heads) + " must divide "
                                     + std::to_string(model) + " features");
        const int64_t hidden = intValue(node, "dim_feedforward");
        // Attention (4 projections), two feed-forward linears, two layer norms.
        const std::optional<int64_t> weights =
            weightCount({model, 4 * model + 2 * hidden}, 4 * model + hidden + model + 4 * model);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        ShapeResult result = sameType(node, inputs);
        result.parameters = *weights;
        result.macs = clampedCount(static_cast<double>(length) * model
                                   * (4.0 * model + 2.0 * length + 2.0 * hidden));
        result.resolved["d_model"] = model;
        return result;
    };
    spec.build = LEPTON_BUILDER(buildTransformerEncoderLayer);
    spec.code = transformerEncoderLayerCode;
    spec.onnx = transformerEncoderLayerOnnx;
    return spec;
}

} // namespace

void addAttentionLayers(LayerRegistry& registry)
{
    registry.add(embedding());
    registry.add(positionalEncoding());
    registry.add(multiheadAttention());
    registry.add(transformerEncoderLayer());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
