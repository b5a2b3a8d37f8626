// Recurrent layers over [length, features] sequences. Each has two outputs:
// the whole sequence of hidden states and the final hidden state of the last
// layer (both directions joined), which is what a classifier head reads.

#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
// h_n is [layers * directions, batch, hidden]: the last layer's states, with
// the directions side by side -> [batch, directions * hidden].
torch::Tensor lastLayerState(const torch::Tensor& hn, int64_t layers, int64_t directions)
{
    torch::Tensor last = hn.slice(0, (layers - 1) * directions, layers * directions);
    return last.transpose(0, 1).reshape({hn.size(1), directions * hn.size(2)});
}

template <typename Options>
Options recurrentOptions(const LayerContext& c)
{
    return Options(c.integer("input_size"), c.integer("hidden_size"))
        .num_layers(c.integer("num_layers"))
        .bias(c.flag("bias"))
        .batch_first(true)
        .dropout(c.number("dropout"))
        .bidirectional(c.flag("bidirectional"));
}

BuiltLayer buildLSTM(const LayerContext& c)
{
    torch::nn::LSTM lstm(recurrentOptions<torch::nn::LSTMOptions>(c));
    const int64_t layers = c.integer("num_layers");
    const int64_t directions = c.flag("bidirectional") ? 2 : 1;
    return {lstm.ptr(), [lstm, layers, directions](const Tensors& in, bool) mutable {
                auto [sequence, state] = lstm->forward(in.at(0));
                return Tensors{sequence, lastLayerState(std::get<0>(state), layers, directions)};
            }};
}

// GRU and RNN return (sequence, h_n) alike.
template <typename Holder>
BuiltLayer sequenceAndState(Holder holder, const LayerContext& c)
{
    const int64_t layers = c.integer("num_layers");
    const int64_t directions = c.flag("bidirectional") ? 2 : 1;
    return {holder.ptr(), [holder, layers, directions](const Tensors& in, bool) mutable {
                auto [sequence, hn] = holder->forward(in.at(0));
                return Tensors{sequence, lastLayerState(hn, layers, directions)};
            }};
}

BuiltLayer buildGRU(const LayerContext& c)
{
    return sequenceAndState(torch::nn::GRU(recurrentOptions<torch::nn::GRUOptions>(c)), c);
}

BuiltLayer buildRNN(const LayerContext& c)
{
    auto options = recurrentOptions<torch::nn::RNNOptions>(c);
    if (c.choice("nonlinearity") == "relu")
        options.nonlinearity(torch::kReLU);
    else
        options.nonlinearity(torch::kTanh);
    return sequenceAndState(torch::nn::RNN(options), c);
}
#endif

// LSTM, GRU and RNN as PyTorch's modules, whose tensors the engine's share by
// name; TorchScript calls the operator (torch.lstm...) over them in PyTorch's
// order. "final" is the last layer's state, directions side by side.
LayerCode recurrentCode(const LayerContext& c, const std::string& type)
{
    const int64_t layers = c.integer("num_layers");
    const bool bidirectional = c.flag("bidirectional");
    const bool bias = c.flag("bias");
    const std::string hidden = std::to_string(c.integer("hidden_size"));
    std::string tensors;
    for (int64_t layer = 0; layer < layers; ++layer) {
        for (const char* direction : {"", "_reverse"}) {
            if (*direction && !bidirectional)
                continue;
            const std::string suffix = "_l" + std::to_string(layer) + direction;
            for (const char* kind : {"weight", "bias"}) {
                if (std::string(kind) == "bias" && !bias)
                    continue;
                tensors += std::string(tensors.empty() ? "" : ", ") + "self." + kind + "_ih" + suffix + ", self."
                           + kind + "_hh" + suffix;
            }
        }
    }
    const bool lstm = type == "LSTM";
    const std::string op = lstm ? "lstm" : type == "GRU" ? "gru" : "rnn_" + c.choice("nonlinearity");
    const std::string arguments = "[" + tensors + "], " + pyBool(bias) + ", " + std::to_string(layers) + ", "
                                  + pyFloat(c.number("dropout")) + ", self.training, " + pyBool(bidirectional)
                                  + ", True)\n";
    std::string script = std::string("def forward(self, x: Tensor) -> Tuple[Tensor, ")
                         + (lstm ? "Tuple[Tensor, Tensor]" : "Tensor") + "]:\n"
                         "    h0 = torch.zeros([" + std::to_string(layers * (bidirectional ? 2 : 1))
                         + ", x.size(0), " + hidden + "], dtype=x.dtype, device=x.device)\n";
    if (lstm)
        script += "    sequence, h, c = torch.lstm(x, [h0, h0], " + arguments + "    return sequence, (h, c)\n";
    else
        script += "    return torch." + op + "(x, h0, " + arguments;
    std::string module = "nn." + type + "(" + std::to_string(c.integer("input_size")) + ", " + hidden
                         + ", num_layers=" + std::to_string(layers) + ", bias=" + pyBool(bias)
                         + ", batch_first=True, dropout=" + pyFloat(c.number("dropout"))
                         + ", bidirectional=" + pyBool(bidirectional);
    if (type == "RNN")
        module += ", nonlinearity=\"" + c.choice("nonlinearity") + "\"";
    LayerCode code;
    code.module = module + ")";
    code.scriptForward = script;
    code.statements = {lstm ? "{out0}, ({name}_state, _) = {self}({in0})" : "{out0}, {name}_state = {self}({in0})",
                       bidirectional ? "{out1} = torch.cat([{name}_state[-2], {name}_state[-1]], 1)"
                                     : "{out1} = {name}_state[-1]"};
    return code;
}

LayerCode lstmCode(const LayerContext& c)
{
    return recurrentCode(c, "LSTM");
}

LayerCode gruCode(const LayerContext& c)
{
    return recurrentCode(c, "GRU");
}

LayerCode rnnCode(const LayerContext& c)
{
    return recurrentCode(c, "RNN");
}

// PyTorch's gate blocks of `tensor` in ONNX's order, appended to `out`:
// `order` lists for each ONNX gate the PyTorch gate it takes.
void appendGates(const FloatArray& tensor, const std::vector<int64_t>& order, std::vector<float>& out)
{
    const size_t block = tensor.values.size() / order.size();
    for (int64_t gate : order)
        out.insert(out.end(), tensor.values.begin() + gate * block, tensor.values.begin() + (gate + 1) * block);
}

// LSTM, GRU and RNN as ONNX's one-layer operators, stacked, time-major in
// between: [batch, length, features] in, the sequence and the last layer's
// final state (directions side by side) out.
std::vector<std::string> recurrentOnnx(const LayerContext& c, OnnxBuilder& onnx, const std::string& op,
                                       const std::vector<int64_t>& gateOrder)
{
    const int64_t layers = c.integer("num_layers");
    const int64_t directions = c.flag("bidirectional") ? 2 : 1;
    const int64_t hidden = c.integer("hidden_size");
    const int64_t gates = static_cast<int64_t>(gateOrder.size());
    OnnxAttributes attributes = {{"hidden_size", hidden},
                                 {"direction", std::string(directions == 2 ? "bidirectional" : "forward")}};
    if (op == "GRU")
        attributes.push_back({"linear_before_reset", int64_t(1)}); // as PyTorch computes it
    if (op == "RNN" && c.choice("nonlinearity") == "relu") // tanh is ONNX's default
        attributes.push_back({"activations", std::vector<std::string>(
                                                 directions, c.choice("nonlinearity") == "relu" ? "Relu" : "Tanh")});
    std::string sequence = onnx.op("Transpose", {onnx.input(0)}, {{"perm", std::vector<int64_t>{1, 0, 2}}});
    std::string finalState;
    for (int64_t layer = 0; layer < layers; ++layer) {
        const int64_t in = layer == 0 ? c.inputShape(0).at(1) : directions * hidden;
        FloatArray w{{directions, gates * hidden, in}, {}};
        FloatArray r{{directions, gates * hidden, hidden}, {}};
        FloatArray b{{directions, 2 * gates * hidden}, {}};
        for (int64_t direction = 0; direction < directions; ++direction) {
            const std::string suffix = "_l" + std::to_string(layer) + (direction ? "_reverse" : "");
            appendGates(onnx.weightValues("weight_ih" + suffix), gateOrder, w.values);
            appendGates(onnx.weightValues("weight_hh" + suffix), gateOrder, r.values);
            if (c.flag("bias")) {
                appendGates(onnx.weightValues("bias_ih" + suffix), gateOrder, b.values);
                appendGates(onnx.weightValues("bias_hh" + suffix), gateOrder, b.values);
            }
        }
        std::vector<std::string> inputs = {sequence, onnx.constant(w), onnx.constant(r)};
        if (c.flag("bias"))
            inputs.push_back(onnx.constant(b));
        const std::vector<std::string> outputs = onnx.node(op, inputs, attributes, op == "LSTM" ? 3 : 2);
        // Y [length, directions, batch, hidden] -> [length, batch, directions * hidden]
        sequence = onnx.op("Reshape", {onnx.op("Transpose", {outputs[0]}, {{"perm", std::vector<int64_t>{0, 2, 1, 3}}}),
                                       onnx.constantInts({0, 0, directions * hidden})});
        finalState = outputs[1];
    }
    const std::string batchFirst = onnx.op("Transpose", {sequence}, {{"perm", std::vector<int64_t>{1, 0, 2}}});
    const std::string final = onnx.op("Reshape", {onnx.op("Transpose", {finalState}, {{"perm", std::vector<int64_t>{1, 0, 2}}}),
                                                  onnx.constantInts({0, directions * hidden})});
    return {batchFirst, final};
}

std::vector<std::string> lstmOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return recurrentOnnx(c, onnx, "LSTM", {0, 3, 1, 2}); // i f g o -> i o f c
}

std::vector<std::string> gruOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return recurrentOnnx(c, onnx, "GRU", {1, 0, 2}); // r z n -> z r h
}

std::vector<std::string> rnnOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return recurrentOnnx(c, onnx, "RNN", {0});
}

// `gates`: weight blocks per cell (LSTM 4, GRU 3, plain RNN 1).
LayerSpec recurrent(const std::string& type, const std::string& displayName,
                    const std::string& description, int64_t gates, LayerBuilder build,
                    LayerCodeWriter code, OnnxWriter onnx)
{
    LayerSpec spec = unaryLayer(type, displayName, "Recurrent",
                                description + " over [length, features]; outputs the sequence "
                                              "of states and the final state");
    spec.outputPorts = {"sequence", "final"};
    spec.params = {
        intParam("input_size", 0, 0, kNoLimit, "Features per step; 0 infers them"),
        intParam("hidden_size", 64, 1, kNoLimit, "Features of the hidden state"),
        intParam("num_layers", 1, 1, 64, "Stacked recurrent layers"),
        boolParam("bidirectional", false, "Also read the sequence backwards; doubles the features"),
        floatParam("dropout", 0, 0, 1, "Dropout between stacked layers while training"),
        boolParam("bias", true, "Learn additive biases"),
    };
    spec.shapeRule = [gates](const Node& node, const std::vector<TensorType>& inputs) {
        if (auto failure = requireRank(inputs.at(0), 2, "[length, features]"))
            return *failure;
        const Shape& input = inputs[0].shape;
        std::string problem =
            inferredSizeProblem(node, "input_size", input[1], "features per step");
        if (!problem.empty())
            return ShapeResult::fail(problem);
        const int64_t hidden = intValue(node, "hidden_size");
        const int64_t layers = intValue(node, "num_layers");
        const int64_t directions = boolValue(node, "bidirectional") ? 2 : 1;
        const int64_t biases = boolValue(node, "bias") ? 2 * gates * hidden : 0;
        int64_t weights = 0;
        double macs = 0;
        for (int64_t layer = 0; layer < layers; ++layer) {
            const int64_t in = layer == 0 ? input[1] : directions * hidden;
            std::optional<int64_t> cell = weightCount({gates, hidden, in + hidden}, biases);
            if (!cell || __builtin_mul_overflow(*cell, directions, &*cell)
                || __builtin_add_overflow(weights, *cell, &weights))
                return ShapeResult::fail("would have more weights than can be counted");
            macs += static_cast<double>(input[0]) * directions * gates * hidden * (in + hidden);
        }
        ShapeResult result;
        result.outputs = {Shape{input[0], directions * hidden}, Shape{directions * hidden}};
        result.parameters = weights;
        result.macs = clampedCount(macs);
        result.resolved["input_size"] = input[1];
        return result;
    };
    spec.build = build;
    spec.code = code;
    spec.onnx = onnx;
    return spec;
}

} // namespace

void addRecurrentLayers(LayerRegistry& registry)
{
    registry.add(recurrent("LSTM", "LSTM", "Long short-term memory", 4, LEPTON_BUILDER(buildLSTM), lstmCode, lstmOnnx));
    registry.add(recurrent("GRU", "GRU", "Gated recurrent unit", 3, LEPTON_BUILDER(buildGRU), gruCode, gruOnnx));
    LayerSpec rnn = recurrent("RNN", "RNN", "Plain recurrent layer", 1, LEPTON_BUILDER(buildRNN), rnnCode, rnnOnnx);
    rnn.params.push_back(choiceParam("nonlinearity", "tanh", {"tanh", "relu"},
                                     "Activation of the hidden state"));
    registry.add(std::move(rnn));
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
