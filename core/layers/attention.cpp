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
