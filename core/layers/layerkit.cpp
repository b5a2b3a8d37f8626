#include "layers/layerkit.h"

#include <algorithm>
#include <utility>

namespace lepton {

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

ParamSpec choiceParam(const std::string& name, const std::string& defaultValue,
                      std::vector<std::string> choices, const std::string& help)
{
    ParamSpec spec;
    spec.name = name;
    spec.type = ParamType::Choice;
    spec.defaultValue = defaultValue;
    spec.choices = std::move(choices);
    spec.help = help;
    return spec;
}

ParamSpec intListParam(const std::string& name, std::vector<int64_t> defaultValue, double minimum,
                       const std::string& help)
{
    ParamSpec spec = intParam(name, 0, minimum, kNoLimit, help);
    spec.type = ParamType::IntList;
    spec.defaultValue = std::move(defaultValue);
    return spec;
}

int64_t intValue(const Node& node, const std::string& name)
{
    return node.params.at(name).get<int64_t>();
}

double floatValue(const Node& node, const std::string& name)
{
    return node.params.at(name).get<double>();
}

bool boolValue(const Node& node, const std::string& name)
{
    return node.params.at(name).get<bool>();
}

std::string choiceValue(const Node& node, const std::string& name)
{
    return node.params.at(name).get<std::string>();
}

std::vector<int64_t> intListValue(const Node& node, const std::string& name)
{
    return node.params.at(name).get<std::vector<int64_t>>();
}

std::string inferredSizeProblem(const Node& node, const std::string& param, int64_t actual,
                                const std::string& what)
{
    const int64_t expected = intValue(node, param);
    if (expected == 0 || expected == actual)
        return {};
    return "expects " + std::to_string(expected) + " " + what + ", got " + std::to_string(actual);
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

int64_t saturatingProduct(std::initializer_list<int64_t> factors)
{
    int64_t product = 1;
    for (int64_t factor : factors) {
        if (__builtin_mul_overflow(product, factor, &product))
            return std::numeric_limits<int64_t>::max();
    }
    return product;
}

int64_t clampedCount(double estimate)
{
    constexpr double limit = 9.2e18; // just below the int64 maximum
    return estimate >= limit ? std::numeric_limits<int64_t>::max()
                             : static_cast<int64_t>(estimate);
}

std::optional<ShapeResult> requireRank(const TensorType& input, size_t rank,
                                       const std::string& layout)
{
    if (input.shape.size() == rank)
        return std::nullopt;
    return ShapeResult::fail("expects a " + layout + " input, got "
                             + shapeToString(input.shape));
}

std::string spatialLayout(size_t spatialDims)
{
    return spatialDims == 1 ? "[channels, length]" : "[channels, height, width]";
}

ShapeResult sameType(const Node&, const std::vector<TensorType>& inputs)
{
    ShapeResult result;
    result.outputs = {inputs.at(0)};
    return result;
}

} // namespace lepton
