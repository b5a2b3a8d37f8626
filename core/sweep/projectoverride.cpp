#include "sweep/projectoverride.h"

#include "graph/layerregistry.h"
#include "train/trainingconfig.h"

#include <stdexcept>

namespace lepton {

void applyOverride(Project& project, const std::string& key, const nlohmann::json& value,
                   const LayerRegistry& registry)
{
    const size_t dot = key.find('.');
    if (dot == std::string::npos) {
        nlohmann::json training = trainingToJson(project.training);
        if (!training.contains(key))
            throw std::invalid_argument("'" + key + "' is not a training setting nor LAYER.PARAM");
        training[key] = value;
        if (const std::string problem = trainingProblem(training); !problem.empty())
            throw std::invalid_argument("'" + key + "' = " + value.dump() + ": " + problem);
        project.training = trainingFromJson(training);
        return;
    }
    const std::string layer = key.substr(0, dot);
    const std::string param = key.substr(dot + 1);
    const Node* found = project.graph.nodeByName(layer);
    if (!found)
        throw std::invalid_argument("'" + key + "': the graph has no layer named '" + layer + "'");
    Node* node = project.graph.node(found->id);
    const LayerSpec* spec = registry.find(node->type);
    if (!spec || !findParam(spec->params, param))
        throw std::invalid_argument("'" + key + "': a " + node->type + " layer has no parameter '" + param + "'");
    const nlohmann::json before = node->params;
    node->params[param] = value;
    if (const std::string problem = registry.validateParams(*node); !problem.empty()) {
        node->params = before;
        throw std::invalid_argument("'" + key + "' = " + value.dump() + ": " + problem);
    }
}

std::pair<std::string, nlohmann::json> parseOverride(const std::string& text)
{
    const size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
        throw std::invalid_argument("'" + text + "': expected KEY=VALUE, e.g. learning_rate=0.001 or fc1.out_features=64");
    const std::string raw = text.substr(equals + 1);
    nlohmann::json value = nlohmann::json::parse(raw, nullptr, false);
    if (value.is_discarded())
        value = raw;
    return {text.substr(0, equals), value};
}

} // namespace lepton
