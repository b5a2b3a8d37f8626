#pragma once

#include "export/trainedmodel.h"

#include <nlohmann/json.hpp>

#include <string>

namespace lepton {

// What a program needs to predict with an export the way the workbench
// does: input shape and dtype, the preprocessing (how records become
// features, the normalization), class names, the checkpoint's metrics and
// the project, run and checkpoint it came from. `files` names the exported files
// by format; `precision` says how the weights are stored.
nlohmann::ordered_json exportMetadata(const TrainedModel& model, const nlohmann::ordered_json& files,
                                      const nlohmann::ordered_json& precision);

} // namespace lepton
