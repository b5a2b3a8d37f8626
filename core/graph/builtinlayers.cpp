#include "graph/builtinlayers.h"

#include <limits>
#include <utility>

namespace lepton {

LayerRegistry makeBuiltinRegistry()
{
    LayerRegistry registry;
    // Palette order: data in and out, then the layers roughly in the order a
    // network uses them, merges last.
    registry.add(inputSpec());
    registry.add(outputSpec());
    registry.add(linearSpec());
    registry.add(conv2dSpec());
    registry.add(poolSpec("MaxPool2d", "Max Pool 2D", "Keeps the largest value of each window"));
    registry.add(poolSpec("AvgPool2d", "Avg Pool 2D", "Averages each window"));
    registry.add(activationSpec("ReLU", "ReLU", "max(0, x), element-wise"));
    registry.add(activationSpec("Sigmoid", "Sigmoid", "1 / (1 + exp(-x)), element-wise"));
    registry.add(activationSpec("Tanh", "Tanh", "Hyperbolic tangent, element-wise"));
    registry.add(activationSpec("GELU", "GELU", "Gaussian error linear unit, element-wise"));
    registry.add(softmaxSpec());
    registry.add(batchNorm1dSpec());
    registry.add(batchNorm2dSpec());
    registry.add(dropoutSpec());
    registry.add(flattenSpec());
    registry.add(addSpec());
    registry.add(concatSpec());
    return registry;
}

LayerSpec unaryLayer(const std::string& type, const std::string& displayName,
                     const std::string& category, const std::string& description)
{
    LayerSpec spec;
    spec.type = type;
    spec.displayName = displayName;
    spec.category = category;
    spec.description = description;
    spec.inputPorts = {"in"};
    spec.outputPorts = {"out"};
    return spec;
}

ParamSpec intParam(const std::string& name, int64_t defaultValue, double minimum, double maximum,
                   const std::string& help)
{
    return {name, ParamType::Int, defaultValue, minimum, maximum, {}, help};
}

ParamSpec floatParam(const std::string& name, double defaultValue, double minimum, double maximum,
                     const std::string& help)
{
    return {name, ParamType::Float, defaultValue, minimum, maximum, {}, help};
}

ParamSpec boolParam(const std::string& name, bool defaultValue, const std::string& help)
{
    ParamSpec spec;
    spec.name = name;
    spec.type = ParamType::Bool;
    spec.defaultValue = defaultValue;
    spec.help = help;
    return spec;
}

ParamSpec intListParam(const std::string& name, std::vector<int64_t> defaultValue, double minimum,
                       const std::string& help)
{
    ParamSpec spec = intParam(name, 0, minimum, std::numeric_limits<double>::infinity(), help);
    spec.type = ParamType::IntList;
    spec.defaultValue = std::move(defaultValue);
    return spec;
}

int64_t intValue(const Node& node, const std::string& name)
{
    return node.params.at(name).get<int64_t>();
}

std::optional<size_t> resolveDim(int64_t dim, size_t rank)
{
    int64_t index = dim < 0 ? dim + static_cast<int64_t>(rank) : dim;
    if (index < 0 || index >= static_cast<int64_t>(rank))
        return std::nullopt;
    return static_cast<size_t>(index);
}

std::optional<int64_t> weightCount(std::initializer_list<int64_t> factors, int64_t extra)
{
    int64_t count = 1;
    for (int64_t factor : factors) {
        if (__builtin_mul_overflow(count, factor, &count))
            return std::nullopt;
    }
    if (__builtin_add_overflow(count, extra, &count))
        return std::nullopt;
    return count;
}

ShapeResult sameShape(const Node&, const std::vector<Shape>& inputs)
{
    return {{inputs.at(0)}, {}};
}

} // namespace lepton
