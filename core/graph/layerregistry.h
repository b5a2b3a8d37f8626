#pragma once

#include "graph/graph.h"
#include "graph/layercode.h"
#include "graph/onnxform.h"
#include "graph/shape.h"
#include "util/paramspec.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace lepton {

// Output types of a layer, or a readable reason why its inputs do not fit.
// Errors are phrased to follow "<Type> '<name>' ", e.g.
// "expects 784 input features, got 1568".
struct ShapeResult {
    std::vector<TensorType> outputs;
    std::string error;
    // Weights the layer learns for these inputs: known from shapes alone, so
    // editors and `lepton inspect` count them without building a model.
    int64_t parameters = 0;
    // Multiply-adds per sample of the layer's main computation.
    int64_t macs = 0;
    // Parameters the rule worked out from the inputs ("0 means infer" and
    // "stride 0 means kernel"), by name. Builders and editors read the
    // resolved values from the shape report, so no one resolves them again.
    nlohmann::json resolved = nlohmann::json::object();

    bool ok() const { return error.empty(); }
    static ShapeResult fail(std::string message)
    {
        ShapeResult result;
        result.error = std::move(message);
        return result;
    }
};

// Inputs are checked against the spec's ports and dtype before a rule runs,
// and the node's params are valid with every default filled in.
using ShapeRule =
    std::function<ShapeResult(const Node& node, const std::vector<TensorType>& inputs)>;

// Which element types a layer's inputs may have; checked before its rule runs.
enum class InputDType { Float, Int64, Any };

// Built only by lepton_engine (core/model/layerbuilder.h); opaque here, so
// this header stays free of LibTorch.
struct BuiltLayer;
struct LayerContext;
using LayerBuilder = BuiltLayer (*)(const LayerContext& context);

// Everything the palette, inspector, validation, shape inference and the
// engine know about one layer type. Each layer family keeps its specs and
// builders side by side in one file under core/layers/.
struct LayerSpec {
    std::string type;        // stable key stored in project files: "Conv2d"
    std::string displayName; // "Conv 2D"
    std::string category;    // palette group: "Input/Output", "Dense", ...
    std::string description; // one line for tooltips
    std::vector<std::string> inputPorts;  // port names, in order
    std::vector<std::string> outputPorts;
    // When set, the node has as many input (output) ports as this Int
    // parameter says (Add, Concat; Split); the port list then holds only the
    // name prefix.
    std::string inputCountParam;
    std::string outputCountParam;
    InputDType inputDType = InputDType::Float;
    std::vector<ParamSpec> params;
    ShapeRule shapeRule;
    // Set in lepton_engine's copy of the registry only.
    LayerBuilder build = nullptr;
    // How the layer is written as PyTorch code and TorchScript; null when
    // it has no such form (exporting it then names the layer).
    LayerCodeWriter code = nullptr;
    // Its ONNX operators; null when ONNX cannot express it.
    OnnxWriter onnx = nullptr;

    const ParamSpec* param(const std::string& name) const;
};

class LayerRegistry {
public:
    // The built-in layers; constructed once, never modified afterwards.
    static const LayerRegistry& builtin();

    void add(LayerSpec spec);
    const LayerSpec* find(const std::string& type) const;
    // In registration order (the palette order).
    const std::vector<LayerSpec>& specs() const { return m_specs; }

    int inputCount(const Node& node) const;
    int outputCount(const Node& node) const;
    std::string inputPortName(const Node& node, int port) const;
    std::string outputPortName(const Node& node, int port) const;
    // True when the Int param `param` sets how many input or output ports a
    // node of `type` has (lowering it drops the wires of vanished ports).
    bool isPortCountParam(const std::string& type, const std::string& param) const;

    // Every parameter at its default.
    nlohmann::json defaultParams(const std::string& type) const;
    // A node of this type with default params, a unique name and a fresh id of 0.
    Node makeNode(const std::string& type, const Graph& graph, Position position = {}) const;
    // Empty if every param of the node is known, of the right type and in
    // range; otherwise the first problem, naming the parameter.
    std::string validateParams(const Node& node) const;
    // The node's param value, or the spec default when it is absent.
    nlohmann::json paramValue(const Node& node, const std::string& name) const;

private:
    std::vector<LayerSpec> m_specs;
    std::map<std::string, size_t> m_index;
};

// "Linear 'fc1'", the prefix every per-node message starts with.
std::string describeNode(const Node& node);

} // namespace lepton
