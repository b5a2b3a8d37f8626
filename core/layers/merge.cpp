// Layers that join several inputs into one, and Split, which does the reverse.

#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

namespace {

#ifdef LEPTON_ENGINE
BuiltLayer buildAdd(const LayerContext&)
{
    return {nullptr, [](const Tensors& in, bool) {
                torch::Tensor sum = in.at(0);
                for (size_t i = 1; i < in.size(); ++i)
                    sum = sum + in[i];
                return Tensors{sum};
            }};
}

BuiltLayer buildMultiply(const LayerContext&)
{
    return {nullptr, [](const Tensors& in, bool) {
                torch::Tensor product = in.at(0);
                for (size_t i = 1; i < in.size(); ++i)
                    product = product * in[i];
                return Tensors{product};
            }};
}

BuiltLayer buildConcat(const LayerContext& c)
{
    const int64_t dim = tensorDim(c.integer("dim"));
    return {nullptr, [dim](const Tensors& in, bool) { return Tensors{torch::cat(in, dim)}; }};
}

BuiltLayer buildSplit(const LayerContext& c)
{
    const int64_t parts = c.integer("parts");
    const int64_t dim = tensorDim(c.integer("dim"));
    return {nullptr, [parts, dim](const Tensors& in, bool) { return in.at(0).chunk(parts, dim); }};
}
#endif

// "{in0}, {in1}, {in2}": every input port of the node.
std::string inputList(const LayerContext& c, const std::string& separator)
{
    std::string list;
    for (size_t port = 0; port < c.shapes.inputs.size(); ++port)
        list += (port ? separator : "") + "{in" + std::to_string(port) + "}";
    return list;
}

LayerCode addCode(const LayerContext& c)
{
    return expressionCode(inputList(c, " + "));
}

LayerCode multiplyCode(const LayerContext& c)
{
    return expressionCode(inputList(c, " * "));
}

LayerCode concatCode(const LayerContext& c)
{
    return expressionCode("torch.cat([" + inputList(c, ", ") + "], "
                          + std::to_string(tensorDim(c.integer("dim"))) + ")");
}

LayerCode splitCode(const LayerContext& c)
{
    LayerCode code;
    code.statements = {"{name}_parts = torch.chunk({in0}, " + std::to_string(c.integer("parts")) + ", "
                       + std::to_string(tensorDim(c.integer("dim"))) + ")"};
    for (size_t port = 0; port < c.shapes.outputs.size(); ++port)
        code.statements.push_back("{out" + std::to_string(port) + "} = {name}_parts[" + std::to_string(port) + "]");
    return code;
}

// Add and Multiply: the inputs combined pairwise, in port order.
std::vector<std::string> chainOnnx(const LayerContext& c, OnnxBuilder& onnx, const std::string& op)
{
    std::string result = onnx.input(0);
    for (size_t port = 1; port < c.shapes.inputs.size(); ++port)
        result = onnx.op(op, {result, onnx.input(port)});
    return {result};
}

std::vector<std::string> addOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return chainOnnx(c, onnx, "Add");
}

std::vector<std::string> multiplyOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    return chainOnnx(c, onnx, "Mul");
}

std::vector<std::string> concatOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    std::vector<std::string> inputs;
    for (size_t port = 0; port < c.shapes.inputs.size(); ++port)
        inputs.push_back(onnx.input(port));
    return {onnx.op("Concat", inputs, {{"axis", tensorDim(c.integer("dim"))}})};
}

std::vector<std::string> splitOnnx(const LayerContext& c, OnnxBuilder& onnx)
{
    const size_t parts = c.shapes.outputs.size();
    const Shape& input = c.inputShape(0);
    const size_t dim = *resolveDim(c.integer("dim"), input.size());
    std::vector<int64_t> sizes;
    for (const TensorType& output : c.shapes.outputs)
        sizes.push_back(output.shape.at(dim));
    return onnx.node("Split", {onnx.input(0), onnx.constantInts(sizes)},
                     {{"axis", tensorDim(c.integer("dim"))}}, parts);
}

LayerSpec mergeLayer(const std::string& type, const std::string& displayName,
                     const std::string& description)
{
    LayerSpec spec = unaryLayer(type, displayName, "Merge", description);
    spec.inputCountParam = "inputs";
    spec.params = {intParam("inputs", 2, 2, 8, "Number of inputs")};
    return spec;
}

// Add and Multiply: inputs of one shape, combined element by element.
LayerSpec elementwiseMerge(const std::string& type, const std::string& description,
                           LayerBuilder build, LayerCodeWriter code, OnnxWriter onnx)
{
    LayerSpec spec = mergeLayer(type, type, description);
    spec.shapeRule = [](const Node&, const std::vector<TensorType>& inputs) {
        for (size_t i = 1; i < inputs.size(); ++i) {
            if (inputs[i].shape != inputs[0].shape)
                return ShapeResult::fail("input " + std::to_string(i + 1) + " has shape "
                                         + shapeToString(inputs[i].shape) + ", expected "
                                         + shapeToString(inputs[0].shape) + " like input 1");
        }
        ShapeResult result;
        result.outputs = {inputs.at(0)};
        return result;
    };
    spec.build = build;
    spec.code = code;
    spec.onnx = onnx;
    return spec;
}

// "[*, 8, 8]": a shape with the joined dimension left open.
std::string shapeExcept(const Shape& shape, size_t open)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        text += i > 0 ? ", " : "";
        text += i == open ? "*" : std::to_string(shape[i]);
    }
    return text + "]";
}

ParamSpec dimParam(int64_t defaultValue, const std::string& what)
{
    return intParam("dim", defaultValue, -kNoLimit, kNoLimit,
                    "Sample dimension to " + what + " along; negative counts from the end");
}

LayerSpec concat()
{
    LayerSpec spec = mergeLayer("Concat", "Concat", "Joins inputs along one dimension");
    spec.inputDType = InputDType::Any;
    spec.params.push_back(dimParam(0, "join"));
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const Shape& first = inputs.at(0).shape;
        const int64_t dim = intValue(node, "dim");
        const std::optional<size_t> axis = resolveDim(dim, first.size());
        if (!axis)
            return ShapeResult::fail("dim " + std::to_string(dim) + " is out of range for input "
                                     + shapeToString(first));
        Shape output = first;
        for (size_t i = 1; i < inputs.size(); ++i) {
            const Shape& shape = inputs[i].shape;
            std::string name = "input " + std::to_string(i + 1) + " has shape "
                + tensorTypeToString(inputs[i]);
            if (inputs[i].dtype != inputs[0].dtype)
                return ShapeResult::fail(name + ", expected " + dtypeName(inputs[0].dtype)
                                         + " like input 1");
            if (shape.size() != first.size())
                return ShapeResult::fail(name + ", expected " + std::to_string(first.size())
                                         + " dimensions like input 1");
            for (size_t d = 0; d < shape.size(); ++d) {
                if (d != *axis && shape[d] != first[d])
                    return ShapeResult::fail(name + ", expected " + shapeExcept(first, *axis)
                                             + " like input 1");
            }
            if (__builtin_add_overflow(output[*axis], shape[*axis], &output[*axis]))
                return ShapeResult::fail("would join more elements than can be counted");
        }
        ShapeResult result;
        result.outputs = {TensorType(output, inputs[0].dtype)};
        return result;
    };
    spec.build = LEPTON_BUILDER(buildConcat);
    spec.code = concatCode;
    spec.onnx = concatOnnx;
    return spec;
}

LayerSpec split()
{
    LayerSpec spec = unaryLayer("Split", "Split", "Merge",
                                "Cuts its input into equal parts along one dimension");
    spec.inputDType = InputDType::Any;
    spec.outputCountParam = "parts";
    spec.params = {intParam("parts", 2, 2, 8, "Number of equal parts (outputs)"),
                   dimParam(-1, "cut")};
    spec.shapeRule = [](const Node& node, const std::vector<TensorType>& inputs) {
        const Shape& input = inputs.at(0).shape;
        const int64_t dim = intValue(node, "dim");
        const int64_t parts = intValue(node, "parts");
        const std::optional<size_t> axis = resolveDim(dim, input.size());
        if (!axis)
            return ShapeResult::fail("dim " + std::to_string(dim) + " is out of range for input "
                                     + shapeToString(input));
        if (input[*axis] % parts != 0)
            return ShapeResult::fail("cannot cut " + std::to_string(input[*axis])
                                     + " elements of dim " + std::to_string(dim) + " into "
                                     + std::to_string(parts) + " equal parts");
        Shape part = input;
        part[*axis] /= parts;
        ShapeResult result;
        result.outputs.assign(static_cast<size_t>(parts), TensorType(part, inputs[0].dtype));
        return result;
    };
    spec.build = LEPTON_BUILDER(buildSplit);
    spec.code = splitCode;
    spec.onnx = splitOnnx;
    return spec;
}

} // namespace

void addMergeLayers(LayerRegistry& registry)
{
    registry.add(elementwiseMerge("Add", "Element-wise sum of inputs of one shape",
                                  LEPTON_BUILDER(buildAdd), addCode, addOnnx));
    registry.add(elementwiseMerge("Multiply", "Element-wise product of inputs of one shape",
                                  LEPTON_BUILDER(buildMultiply), multiplyCode, multiplyOnnx));
    registry.add(concat());
    registry.add(split());
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
