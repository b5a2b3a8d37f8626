#pragma once

#include "data/datasplit.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

namespace lepton {

// What a checkpoint keeps beside the weights, so that exports and
// predictions use the model exactly as it was trained, whatever happened to
// the project since: "graph", "dataset", "training" (as in a project file),
// "input" {"shape", "dtype"} per sample, "task" (classification or
// regression), "target" (labels or input), "num_classes", "class_names"
// (empty when the data names none), "encoding" (how
// the source turned records into features: columns, vocabulary, image size)
// and "normalization" (the fitted offsets and scales).
nlohmann::json modelRecord(const TrainingJob& job, const PreparedData& data);

} // namespace lepton
