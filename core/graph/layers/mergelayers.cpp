// Layers that join several inputs into one.

#include "graph/builtinlayers.h"

namespace lepton {

namespace {

LayerSpec mergeLayer(const std::string& type, const std::string& displayName,
                     const std::string& description)
{
    LayerSpec spec = unaryLayer(type, displayName, "Merge", description);
    spec.inputCountParam = "inputs";
    spec.params = {intParam("inputs", 2, 2, 8, "Number of inputs")};
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

} // namespace

LayerSpec addSpec()
{
    LayerSpec spec = mergeLayer("Add", "Add", "Element-wise sum of inputs of one shape");
    spec.shapeRule = [](const Node&, const std::vector<Shape>& inputs) {
        for (size_t i = 1; i < inputs.size(); ++i) {
            if (inputs[i] != inputs[0])
                return ShapeResult::fail("input " + std::to_string(i + 1) + " has shape "
                                         + shapeToString(inputs[i]) + ", expected "
                                         + shapeToString(inputs[0]) + " like input 1");
        }
        return ShapeResult{{inputs.at(0)}, {}};
    };
    return spec;
}

LayerSpec concatSpec()
{
    LayerSpec spec = mergeLayer("Concat", "Concat", "Joins inputs along one dimension");
    spec.params.push_back(intParam("dim", 0, -kNoLimit, kNoLimit,
                                   "Sample dimension to join along; negative counts from the end"));
    spec.shapeRule = [](const Node& node, const std::vector<Shape>& inputs) {
        const Shape& first = inputs.at(0);
        int64_t dim = intValue(node, "dim");
        std::optional<size_t> axis = resolveDim(dim, first.size());
        if (!axis)
            return ShapeResult::fail("dim " + std::to_string(dim) + " is out of range for input "
                                     + shapeToString(first));
        Shape output = first;
        for (size_t i = 1; i < inputs.size(); ++i) {
            const Shape& shape = inputs[i];
            std::string name = "input " + std::to_string(i + 1) + " has shape "
                + shapeToString(shape);
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
        return ShapeResult{{output}, {}};
    };
    return spec;
}

} // namespace lepton
