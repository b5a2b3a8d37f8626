#include "graph/onnxform.h"

#include <cmath>

namespace lepton {

namespace {

FloatArray scalar(float value)
{
    return {{}, {value}};
}

// Rows [from, from + count) of a 2-d array, or elements of a 1-d one.
FloatArray rows(const FloatArray& array, int64_t from, int64_t count)
{
    const int64_t width = array.shape.size() > 1 ? array.shape[1] : 1;
    FloatArray part;
    part.shape = array.shape;
    part.shape[0] = count;
    part.values.assign(array.values.begin() + from * width, array.values.begin() + (from + count) * width);
    return part;
}

std::string linearValues(OnnxBuilder& onnx, const std::string& x, const FloatArray& weight, const FloatArray* bias)
{
    std::string y = onnx.op("MatMul", {x, onnx.constant(transposed(weight))});
    return bias ? onnx.op("Add", {y, onnx.constant(*bias)}) : y;
}

// [batch, length, heads * size] -> [batch, heads, length, size], or with
// `keysLast` [batch, heads, size, length].
std::string splitHeads(OnnxBuilder& onnx, const std::string& x, int64_t heads, int64_t size, bool keysLast)
{
    const std::string split = onnx.op("Reshape", {x, onnx.constantInts({0, 0, heads, size})});
    return onnx.op("Transpose", {split},
                   {{"perm", keysLast ? std::vector<int64_t>{0, 2, 3, 1} : std::vector<int64_t>{0, 2, 1, 3}}});
}

} // namespace

FloatArray transposed(const FloatArray& matrix)
{
    const int64_t rowsCount = matrix.shape.at(0);
    const int64_t columns = matrix.shape.at(1);
    FloatArray result{{columns, rowsCount}, std::vector<float>(matrix.values.size())};
    for (int64_t r = 0; r < rowsCount; ++r) {
        for (int64_t c = 0; c < columns; ++c)
            result.values[c * rowsCount + r] = matrix.values[r * columns + c];
    }
    return result;
}

std::string onnxLinear(OnnxBuilder& onnx, const std::string& x, const std::string& weight, const std::string& bias)
{
    std::string y = onnx.op("MatMul", {x, onnx.constant(transposed(onnx.weightValues(weight)))});
    return bias.empty() ? y : onnx.op("Add", {y, onnx.weight(bias)});
}

std::string onnxLayerNorm(OnnxBuilder& onnx, const std::string& x, int64_t rank, int64_t dims, double eps,
                          const std::string& weight, const std::string& bias)
{
    std::vector<int64_t> axes;
    for (int64_t d = rank - dims; d < rank; ++d)
        axes.push_back(d);
    const OnnxAttributes keep = {{"axes", axes}, {"keepdims", int64_t(1)}};
    const std::string centred = onnx.op("Sub", {x, onnx.op("ReduceMean", {x}, keep)});
    const std::string variance = onnx.op("ReduceMean", {onnx.op("Mul", {centred, centred})}, keep);
    const std::string deviation =
        onnx.op("Sqrt", {onnx.op("Add", {variance, onnx.constant(scalar(static_cast<float>(eps)))})});
    std::string y = onnx.op("Div", {centred, deviation});
    if (!weight.empty())
        y = onnx.op("Mul", {y, onnx.weight(weight)});
    if (!bias.empty())
        y = onnx.op("Add", {y, onnx.weight(bias)});
    return y;
}

OnnxAttention onnxAttention(OnnxBuilder& onnx, const std::string& query, const std::string& key,
                            const std::string& value, const std::string& owner, int64_t embed, int64_t heads)
{
    const bool packed = onnx.hasWeight(owner + "in_proj_weight");
    const bool bias = onnx.hasWeight(owner + "in_proj_bias");
    const FloatArray packedWeight = packed ? onnx.weightValues(owner + "in_proj_weight") : FloatArray{};
    const FloatArray packedBias = bias ? onnx.weightValues(owner + "in_proj_bias") : FloatArray{};
    const auto project = [&](const std::string& x, int index, const char* separate) {
        const FloatArray weight =
            packed ? rows(packedWeight, index * embed, embed) : onnx.weightValues(owner + separate);
        const FloatArray partBias = bias ? rows(packedBias, index * embed, embed) : FloatArray{};
        return linearValues(onnx, x, weight, bias ? &partBias : nullptr);
    };
    const int64_t size = embed / heads;
    const std::string q = splitHeads(onnx, project(query, 0, "q_proj_weight"), heads, size, false);
    const std::string k = splitHeads(onnx, project(key, 1, "k_proj_weight"), heads, size, true);
    const std::string v = splitHeads(onnx, project(value, 2, "v_proj_weight"), heads, size, false);
    const std::string scaled =
        onnx.op("Div", {q, onnx.constant(scalar(static_cast<float>(std::sqrt(static_cast<double>(size)))))});
    const std::string weights = onnx.op("Softmax", {onnx.op("MatMul", {scaled, k})}, {{"axis", int64_t(-1)}});
    const std::string joined = onnx.op(
        "Reshape", {onnx.op("Transpose", {onnx.op("MatMul", {weights, v})}, {{"perm", std::vector<int64_t>{0, 2, 1, 3}}}),
                    onnx.constantInts({0, 0, embed})});
    OnnxAttention attention;
    attention.attended = onnxLinear(onnx, joined, owner + "out_proj.weight",
                                    onnx.hasWeight(owner + "out_proj.bias") ? owner + "out_proj.bias" : "");
    attention.weights =
        onnx.op("ReduceMean", {weights}, {{"axes", std::vector<int64_t>{1}}, {"keepdims", int64_t(0)}});
    return attention;
}

std::string onnxGelu(OnnxBuilder& onnx, const std::string& x)
{
    const std::string erf =
        onnx.op("Erf", {onnx.op("Div", {x, onnx.constant(scalar(static_cast<float>(std::sqrt(2.0))))})});
    const std::string half = onnx.op("Mul", {x, onnx.constant(scalar(0.5f))});
    return onnx.op("Mul", {half, onnx.op("Add", {erf, onnx.constant(scalar(1.0f))})});
}

} // namespace lepton
