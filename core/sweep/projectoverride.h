#pragma once

#include "project/project.h"

#include <nlohmann/json.hpp>

#include <string>

namespace lepton {

// Sets one value of a project for a run: a training setting by its key
// ("learning_rate", "optimizer", "epochs") or a layer parameter as
// "LAYER.PARAM" ("fc1.out_features"). Throws std::invalid_argument naming
// the key and why when there is no such setting or layer, or the value does
// not fit it.
void applyOverride(Project& project, const std::string& key, const nlohmann::json& value,
                   const LayerRegistry& registry);

// "KEY=VALUE" as the command line gives it: VALUE is read as JSON where it
// is JSON (0.01, 64, true, "x", [1,2]), else taken as a string (adam).
std::pair<std::string, nlohmann::json> parseOverride(const std::string& text);

} // namespace lepton
