#include "graph/layerregistry.h"

#include "layers/layerkit.h"
#include "util/displaytext.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace lepton {

namespace {

// Rules read every parameter directly, so they see the defaults filled in
// whoever calls them.
ShapeRule withDefaultParams(ShapeRule rule, std::vector<ParamSpec> params)
{
    return [rule = std::move(rule), params = std::move(params)](
               const Node& node, const std::vector<TensorType>& inputs) {
        Node complete = node;
        complete.params = withDefaults(params, node.params);
        return rule(complete, inputs);
    };
}

} // namespace

const ParamSpec* LayerSpec::param(const std::string& name) const
{
    return findParam(params, name);
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
        spec.shapeRule = withDefaultParams(std::move(spec.shapeRule), spec.params);
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
                       std::min(countSpec->maximum, kParamIntLimit));
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
    return paramsProblem(spec->params, node.params);
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
    return displayText(node.type) + " '" + displayText(node.name) + "'";
}

} // namespace lepton
