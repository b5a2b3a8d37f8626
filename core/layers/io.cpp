// Input, Output and Identity: where data enters and leaves the network.

#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
BuiltLayer passThrough(const LayerContext&)
{
    return {nullptr, [](const Tensors& in, bool) { return Tensors{in.at(0)}; }};
}
#endif

// The Input's value is the forward's argument; the Output's is returned.
LayerCode inputCode(const LayerContext&)
{
    return {};
}

LayerCode outputCode(const LayerContext&)
{
    LayerCode code;
    code.statements = {"return {in0}"};
    return code;
}

LayerCode identityCode(const LayerContext&)
{
    return expressionCode("{in0}");
}

// The exporter offers the graph's input as the Input's input 0, and names the
// graph's output after the value the Output returns.
std::vector<std::string> inputOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.input(0)};
}

std::vector<std::string> outputOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.op("Identity", {onnx.input(0)})};
}

std::vector<std::string> identityOnnx(const LayerContext&, OnnxBuilder& onnx)
{
    return {onnx.input(0)};
}

LayerSpec input()
{
    LayerSpec spec = unaryLayer("Input", "Input", "Input/Output",
                                "Feeds one sample of the dataset into the network");
    spec.inputPorts.clear();
    spec.params = {
        intListParam("shape", {2}, 1, "Shape of one sample, without the batch"),
        choiceParam("dtype", "float32", {"float32", "int64"},
                    "Element type: float32 for features, int64 for token ids"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>&) {
        Shape shape = intListValue(node, "shape");
        if (shape.empty())
            return ShapeResult::fail("needs a shape with at least one dimension");
        ShapeResult result;
        const DType dtype = choiceValue(node, "dtype") == "int64" ? DType::Int64 : DType::Float32;
        result.outputs = {TensorType(shape, dtype)};
        return result;
    };
    spec.build = LEPTON_BUILDER(passThrough);
    spec.code = inputCode;
    spec.onnx = inputOnnx;
    return spec;
}

LayerSpec output()
{
    LayerSpec spec = unaryLayer("Output", "Output", "Input/Output",
                                "Marks the model's output: whatever flows into it");
    spec.outputPorts.clear();
    spec.inputDType = InputDType::Any;
    spec.shapeRule = [](const Node&, const std::vector<TensorType>&) { return ShapeResult{}; };
    spec.build = LEPTON_BUILDER(passThrough);
    spec.code = outputCode;
    spec.onnx = outputOnnx;
    return spec;
}

LayerSpec identity()
{
    LayerSpec spec = unaryLayer("Identity", "Identity", "Input/Output",
                                "Passes its input on unchanged: a named junction in the graph");
    spec.inputDType = InputDType::Any;
    spec.shapeRule = sameType;
    spec.build = LEPTON_BUILDER(passThrough);
    spec.code = identityCode;
    spec.onnx = identityOnnx;
    return spec;
}

} // namespace

void addInputOutputLayers(LayerRegistry& registry)
{
    registry.add(input());
    registry.add(output());
    registry.add(identity());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
