// Input/Output, dense, activation, regularization and reshape layers.

#include "graph/builtinlayers.h"

namespace lepton {

LayerSpec inputSpec()
{
    LayerSpec spec = unaryLayer("Input", "Input", "Input/Output",
                                "Feeds one sample of the dataset");
    spec.inputPorts.clear();
    spec.params = {intListParam("shape", {2}, 1, "Shape of one sample, without the batch")};
    spec.shapeRule = [](const Node& node, const std::vector<Shape>&) {
        Shape shape = node.params.at("shape").get<Shape>();
        if (shape.empty())
            return ShapeResult::fail("needs a shape with at least one dimension");
        return ShapeResult{{shape}, {}};
    };
    return spec;
}

LayerSpec outputSpec()
{
    LayerSpec spec = unaryLayer("Output", "Output", "Input/Output",
                                "Marks the model's output: whatever flows into it");
    spec.outputPorts.clear();
    spec.shapeRule = [](const Node&, const std::vector<Shape>&) { return ShapeResult{}; };
    return spec;
}

LayerSpec linearSpec()
{
    LayerSpec spec = unaryLayer("Linear", "Linear", "Dense", "Fully connected: y = xW^T + b");
    spec.params = {
        intParam("in_features", 0, 0, kNoLimit, "Size of the last input dimension; 0 infers it"),
        intParam("out_features", 64, 1, kNoLimit, "Size of the last output dimension"),
        boolParam("bias", true, "Learn an additive bias"),
    };
    spec.shapeRule = [](const Node& node, const std::vector<Shape>& inputs) {
        Shape shape = inputs.at(0);
        if (shape.empty())
            return ShapeResult::fail("expects an input with at least one dimension, got []");
        int64_t expected = intValue(node, "in_features");
        if (expected > 0 && shape.back() != expected)
            return ShapeResult::fail("expects " + std::to_string(expected)
                                     + " input features, got " + std::to_string(shape.back()));
        const int64_t inFeatures = shape.back();
        const int64_t outFeatures = intValue(node, "out_features");
        const std::optional<int64_t> weights =
            weightCount({inFeatures, outFeatures}, node.params.at("bias").get<bool>() ? outFeatures : 0);
        if (!weights)
            return ShapeResult::fail("would have more weights than can be counted");
        shape.back() = outFeatures;
        return ShapeResult{{shape}, {}, *weights};
    };
    return spec;
}

LayerSpec dropoutSpec()
{
    LayerSpec spec = unaryLayer("Dropout", "Dropout", "Regularization",
                                "Zeroes random elements while training");
    spec.params = {floatParam("p", 0.5, 0, 1, "Probability of zeroing an element")};
    spec.shapeRule = sameShape;
    return spec;
}

LayerSpec flattenSpec()
{
    LayerSpec spec = unaryLayer("Flatten", "Flatten", "Reshape",
                                "Joins all sample dimensions into one");
    spec.shapeRule = [](const Node&, const std::vector<Shape>& inputs) {
        int64_t count = 1;
        for (int64_t dim : inputs.at(0)) {
            if (__builtin_mul_overflow(count, dim, &count))
                return ShapeResult::fail("cannot flatten " + shapeToString(inputs[0])
                                         + ": too many elements");
        }
        return ShapeResult{{{count}}, {}};
    };
    return spec;
}

LayerSpec activationSpec(const std::string& type, const std::string& displayName,
                         const std::string& description)
{
    LayerSpec spec = unaryLayer(type, displayName, "Activation", description);
    spec.shapeRule = sameShape;
    return spec;
}

LayerSpec softmaxSpec()
{
    LayerSpec spec = activationSpec("Softmax", "Softmax",
                                    "Turns scores into probabilities along one dimension");
    spec.params = {intParam("dim", -1, -kNoLimit, kNoLimit,
                            "Sample dimension to normalize; negative counts from the end")};
    spec.shapeRule = [](const Node& node, const std::vector<Shape>& inputs) {
        int64_t dim = intValue(node, "dim");
        if (!resolveDim(dim, inputs.at(0).size()))
            return ShapeResult::fail("dim " + std::to_string(dim) + " is out of range for input "
                                     + shapeToString(inputs[0]));
        return ShapeResult{{inputs[0]}, {}};
    };
    return spec;
}

} // namespace lepton
