#include "commands.h"

#include "graph/layerregistry.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <string>

namespace lepton::cli {
namespace {

const char* dtypeRule(InputDType dtype)
{
    switch (dtype) {
    case InputDType::Float:
        return "float32";
    case InputDType::Int64:
        return "int64";
    case InputDType::Any:
        return "any";
    }
    return "";
}

// Port names as a node with default params shows them ("in1", "in2").
std::vector<std::string> portNames(const LayerSpec& spec, bool inputs)
{
    const LayerRegistry& registry = LayerRegistry::builtin();
    Node node;
    node.type = spec.type;
    node.params = registry.defaultParams(spec.type);
    const int count = inputs ? registry.inputCount(node) : registry.outputCount(node);
    std::vector<std::string> names;
    for (int port = 0; port < count; ++port)
        names.push_back(inputs ? registry.inputPortName(node, port)
                               : registry.outputPortName(node, port));
    return names;
}

nlohmann::json paramJson(const ParamSpec& param)
{
    nlohmann::json json = {{"name", param.name},
                           {"type", paramTypeName(param.type)},
                           {"default", param.defaultValue},
                           {"help", param.help}};
    if (std::isfinite(param.minimum))
        json["minimum"] = param.minimum;
    if (std::isfinite(param.maximum))
        json["maximum"] = param.maximum;
    if (!param.choices.empty())
        json["choices"] = param.choices;
    return json;
}

nlohmann::json specJson(const LayerSpec& spec)
{
    nlohmann::json params = nlohmann::json::array();
    for (const ParamSpec& param : spec.params)
        params.push_back(paramJson(param));
    nlohmann::json json = {{"type", spec.type},
                           {"name", spec.displayName},
                           {"category", spec.category},
                           {"help", spec.description},
                           {"inputs", portNames(spec, true)},
                           {"outputs", portNames(spec, false)},
                           {"input_dtype", dtypeRule(spec.inputDType)},
                           {"params", params}};
    if (!spec.inputCountParam.empty())
        json["input_count_param"] = spec.inputCountParam;
    if (!spec.outputCountParam.empty())
        json["output_count_param"] = spec.outputCountParam;
    return json;
}

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text.empty() ? "-" : text;
}

void printReadable(const std::vector<LayerSpec>& specs)
{
    std::string category;
    for (const LayerSpec& spec : specs) {
        if (spec.category != category) {
            category = spec.category;
            std::cout << (category == specs.front().category ? "" : "\n") << category << '\n';
        }
        std::cout << "  " << spec.type << ": " << spec.description << '\n'
                  << "    in: " << joined(portNames(spec, true))
                  << "  out: " << joined(portNames(spec, false)) << '\n';
        for (const ParamSpec& param : spec.params)
            std::cout << "    " << param.name << " (" << paramTypeName(param.type)
                      << ", default " << param.defaultValue.dump() << "): " << param.help << '\n';
    }
    std::cout << '\n' << specs.size() << " layer types\n";
}

} // namespace

int runLayers(const LayersOptions& options)
{
    const std::vector<LayerSpec>& specs = LayerRegistry::builtin().specs();
    if (options.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const LayerSpec& spec : specs)
            list.push_back(specJson(spec));
        std::cout << list.dump(2) << '\n';
    } else {
        printReadable(specs);
    }
    return 0;
}

} // namespace lepton::cli
