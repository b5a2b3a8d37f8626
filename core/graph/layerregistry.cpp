#include "graph/layerregistry.h"

#include "layers/layerkit.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace lepton {

namespace {

// Int parameters stay within 32 bits so shape arithmetic never overflows.
constexpr double kIntLimit = 2147483647.0;

// "1", "0.5", "1e-05": bounds read like the user typed them.
std::string formatBound(double value)
{
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return std::to_string(static_cast<int64_t>(value));
    return nlohmann::json(value).dump(); // shortest text that reads back exactly
}

std::string rangeProblem(const ParamSpec& spec, double value, const std::string& shown)
{
    if (value >= spec.minimum && value <= spec.maximum)
        return {};
    std::string bound;
    if (std::isfinite(spec.minimum) && std::isfinite(spec.maximum))
        bound = "between " + formatBound(spec.minimum) + " and " + formatBound(spec.maximum);
    else if (std::isfinite(spec.minimum))
        bound = ">= " + formatBound(spec.minimum);
    else
        bound = "<= " + formatBound(spec.maximum);
    return "must be " + bound + ", got " + shown;
}

std::string intProblem(const ParamSpec& spec, const nlohmann::json& value)
{
    if (!value.is_number_integer())
        return "must be an integer, got " + value.dump();
    double number = value.get<double>();
    if (std::fabs(number) > kIntLimit)
        return "is too large, got " + value.dump();
    return rangeProblem(spec, number, value.dump());
}

// Empty if `value` suits `spec`, else the problem to follow "parameter 'x' ".
std::string valueProblem(const ParamSpec& spec, const nlohmann::json& value)
{
    switch (spec.type) {
    case ParamType::Int:
        return intProblem(spec, value);
    case ParamType::Float:
        if (!value.is_number())
            return "must be a number, got " + value.dump();
        return rangeProblem(spec, value.get<double>(), value.dump());
    case ParamType::Bool:
        return value.is_boolean() ? std::string() : "must be true or false, got " + value.dump();
    case ParamType::Choice: {
        bool known = value.is_string()
            && std::find(spec.choices.begin(), spec.choices.end(), value.get<std::string>())
                != spec.choices.end();
        if (known)
            return {};
        std::string list;
        for (const std::string& choice : spec.choices)
            list += (list.empty() ? "'" : ", '") + choice + "'";
        return "must be one of " + list + ", got " + value.dump();
    }
    case ParamType::IntList:
        if (!value.is_array()
            || !std::all_of(value.begin(), value.end(),
                            [](const nlohmann::json& item) { return item.is_number_integer(); }))
            return "must be a list of integers, got " + value.dump();
        for (const nlohmann::json& item : value) {
            std::string problem = intProblem(spec, item);
            if (!problem.empty())
                return "values " + problem;
        }
        return {};
    }
    return {};
}

// Rules read every parameter directly, so they see the defaults filled in
// whoever calls them.
ShapeRule withDefaults(ShapeRule rule, std::vector<ParamSpec> params)
{
    return [rule = std::move(rule), params = std::move(params)](
               const Node& node, const std::vector<TensorType>& inputs) {
        Node complete = node;
        if (!complete.params.is_object())
            complete.params = nlohmann::json::object();
        for (const ParamSpec& param : params) {
            if (!complete.params.contains(param.name))
                complete.params[param.name] = param.defaultValue;
        }
        return rule(complete, inputs);
    };
}

} // namespace

const ParamSpec* LayerSpec::param(const std::string& name) const
{
    auto it = std::find_if(params.begin(), params.end(),
                           [&name](const ParamSpec& p) { return p.name == name; });
    return it == params.end() ? nullptr : &*it;
}

const LayerRegistry& LayerRegistry::builtin()
{
    static const LayerRegistry registry = layer_specs::makeBuiltinRegistry();
    return registry;
}

void LayerRegistry::add(LayerSpec spec)
{
    if (m_index.count(spec.type))
        throw std::invalid_argument("layer type '" + spec.type + "' is already registered");
    if (spec.shapeRule)
        spec.shapeRule = withDefaults(std::move(spec.shapeRule), spec.params);
    m_index[spec.type] = m_specs.size();
    m_specs.push_back(std::move(spec));
}

const LayerSpec* LayerRegistry::find(const std::string& type) const
{
    auto it = m_index.find(type);
    return it == m_index.end() ? nullptr : &m_specs[it->second];
}

namespace {

// The port count a count param asks for; an invalid value falls back into the
// allowed range, so a bad file never asks for millions of ports.
int countFromParam(const LayerRegistry& registry, const LayerSpec& spec, const Node& node,
                   const std::string& name)
{
    const ParamSpec* countSpec = spec.param(name);
    if (!countSpec)
        return 0;
    nlohmann::json value = registry.paramValue(node, name);
    double count = value.is_number_integer() ? value.get<double>()
                                             : countSpec->defaultValue.get<double>();
    count = std::clamp(count, std::max(countSpec->minimum, 0.0),
                       std::min(countSpec->maximum, kIntLimit));
    return static_cast<int>(count);
}

std::string portName(const std::vector<std::string>& ports, bool counted, int port)
{
    return counted ? ports.at(0) + std::to_string(port + 1) : ports[static_cast<size_t>(port)];
}

} // namespace

int LayerRegistry::inputCount(const Node& node) const
{
    const LayerSpec* spec = find(node.type);
    if (!spec)
        return 0;
    if (spec->inputCountParam.empty())
        return static_cast<int>(spec->inputPorts.size());
    return countFromParam(*this, *spec, node, spec->inputCountParam);
}

int LayerRegistry::outputCount(const Node& node) const
{
    const LayerSpec* spec = find(node.type);
    if (!spec)
        return 0;
    if (spec->outputCountParam.empty())
        return static_cast<int>(spec->outputPorts.size());
    return countFromParam(*this, *spec, node, spec->outputCountParam);
}

std::string LayerRegistry::inputPortName(const Node& node, int port) const
{
    const LayerSpec* spec = find(node.type);
    if (!spec || port < 0 || port >= inputCount(node))
        return {};
    return portName(spec->inputPorts, !spec->inputCountParam.empty(), port);
}

std::string LayerRegistry::outputPortName(const Node& node, int port) const
{
    const LayerSpec* spec = find(node.type);
    if (!spec || port < 0 || port >= outputCount(node))
        return {};
    return portName(spec->outputPorts, !spec->outputCountParam.empty(), port);
}

bool LayerRegistry::isPortCountParam(const std::string& type, const std::string& param) const
{
    const LayerSpec* spec = find(type);
    return spec && !param.empty()
        && (spec->inputCountParam == param || spec->outputCountParam == param);
}

nlohmann::json LayerRegistry::defaultParams(const std::string& type) const
{
    nlohmann::json params = nlohmann::json::object();
    if (const LayerSpec* spec = find(type)) {
        for (const ParamSpec& param : spec->params)
            params[param.name] = param.defaultValue;
    }
    return params;
}

Node LayerRegistry::makeNode(const std::string& type, const Graph& graph, Position position) const
{
    if (!find(type))
        throw std::invalid_argument("unknown layer type '" + type + "'");
    std::string base = type;
    std::transform(base.begin(), base.end(), base.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Node node;
    node.name = graph.uniqueName(base);
    node.type = type;
    node.params = defaultParams(type);
    node.position = position;
    return node;
}

std::string LayerRegistry::validateParams(const Node& node) const
{
    const LayerSpec* spec = find(node.type);
    if (!spec)
        return "unknown layer type '" + node.type + "'";
    if (!node.params.is_object())
        return "parameters must be a JSON object, got " + node.params.dump();
    for (const auto& [name, value] : node.params.items()) {
        const ParamSpec* param = spec->param(name);
        if (!param)
            return "unknown parameter '" + name + "'";
        std::string problem = valueProblem(*param, value);
        if (!problem.empty())
            return "parameter '" + name + "' " + problem;
    }
    return {};
}

nlohmann::json LayerRegistry::paramValue(const Node& node, const std::string& name) const
{
    if (node.params.is_object()) {
        auto it = node.params.find(name);
        if (it != node.params.end())
            return *it;
    }
    const LayerSpec* spec = find(node.type);
    const ParamSpec* param = spec ? spec->param(name) : nullptr;
    return param ? param->defaultValue : nlohmann::json();
}

std::string describeNode(const Node& node)
{
    return node.type + " '" + node.name + "'";
}

} // namespace lepton
