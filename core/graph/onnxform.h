#pragma once

// How a layer is written as ONNX operators (opset 13). Each layer family
// file keeps its ONNX writer beside its spec, builder and code form; the
// exporter (core/export/onnxexport.cpp) implements OnnxBuilder over the
// ONNX library's protobuf. Free of LibTorch and protobuf.

#include "graph/layercontext.h"
#include "graph/shape.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace lepton {

struct OnnxAttribute {
    std::string name;
    std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>, std::vector<std::string>> value;
};
using OnnxAttributes = std::vector<OnnxAttribute>;

// Float values with their shape: a trained tensor, or one derived from it.
struct FloatArray {
    Shape shape;
    std::vector<float> values;
};

// The ONNX graph being written, as one layer's writer sees it.
class OnnxBuilder {
public:
    virtual ~OnnxBuilder() = default;

    // The value at the layer's input port.
    virtual std::string input(size_t port) const = 0;
    // Adds a node and returns its outputs' names: `outputs` fresh values, or
    // the given names.
    virtual std::vector<std::string> node(const std::string& op, const std::vector<std::string>& inputs,
                                          const OnnxAttributes& attributes, size_t outputs) = 0;
    virtual void namedNode(const std::string& op, const std::vector<std::string>& inputs,
                           const OnnxAttributes& attributes, const std::vector<std::string>& outputs) = 0;
    // The layer's trained tensor by its engine name ("weight",
    // "self_attn.out_proj.bias"): whether it exists, its values, and its
    // name as an initializer.
    virtual bool hasWeight(const std::string& tensor) const = 0;
    virtual FloatArray weightValues(const std::string& tensor) const = 0;
    virtual std::string weight(const std::string& tensor) = 0;
    // A new initializer.
    virtual std::string constant(const FloatArray& values) = 0;
    virtual std::string constantInts(const std::vector<int64_t>& values) = 0;

    // One-output node.
    std::string op(const std::string& type, const std::vector<std::string>& inputs,
                   const OnnxAttributes& attributes = {})
    {
        return node(type, inputs, attributes, 1).front();
    }
};

// Writes the layer's operators; returns the value of each output port.
// Throws ExportError-like std::runtime_error for settings ONNX cannot express.
using OnnxWriter = std::vector<std::string> (*)(const LayerContext& context, OnnxBuilder& onnx);

// Operators several layers share.
// x W^T + b over the last dim for weight [out, in] at `weight`, `bias` ("" for none).
std::string onnxLinear(OnnxBuilder& onnx, const std::string& x, const std::string& weight,
                       const std::string& bias);
// Normalizes `x`, a tensor of `rank` dims batch included, over its last
// `dims` dims, then scales and shifts by the named tensors when given (layer
// norm). Axes count from the front: some runtimes take no negative axes.
std::string onnxLayerNorm(OnnxBuilder& onnx, const std::string& x, int64_t rank, int64_t dims, double eps,
                          const std::string& weight, const std::string& bias);
// Multi-head attention over [batch, length, features] with the tensors of a
// PyTorch MultiheadAttention under `owner` ("" or "self_attn."): the
// attended values and the head-averaged weights.
struct OnnxAttention {
    std::string attended;
    std::string weights;
};
OnnxAttention onnxAttention(OnnxBuilder& onnx, const std::string& query, const std::string& key,
                            const std::string& value, const std::string& owner, int64_t embed, int64_t heads);
std::string onnxGelu(OnnxBuilder& onnx, const std::string& x);
// A 2-d array transposed.
FloatArray transposed(const FloatArray& matrix);

} // namespace lepton
