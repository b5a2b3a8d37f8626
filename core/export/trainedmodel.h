#pragma once

#include "data/datasetspec.h"
#include "graph/graph.h"
#include "graph/shapeinference.h"
#include "model/graphmodule.h"

#include <nlohmann/json.hpp>

#include <string>

namespace lepton {

// A network with its trained weights, as a checkpoint holds it: what every
// export and prediction starts from.
struct TrainedModel {
    std::string name;           // the project's, for class and file names
    std::string projectPath;
    std::string checkpointPath;
    Graph graph;                // as trained, which the project may have changed since
    ShapeReport shapes;
    GraphModule module{nullptr}; // the weights loaded, in eval mode, on the CPU
    // modelrecord.h: input, preprocessing, class names, settings.
    nlohmann::json record;
    nlohmann::json metrics; // of the checkpoint's epoch: "epoch", "train_loss"...
    // The recorded run that wrote the checkpoint: "id", "name", "started"
    // (seconds since the Unix epoch); empty when the history has none.
    nlohmann::json run = nlohmann::json::object();
    DatasetSpec dataset;     // as trained
    std::string baseDir;     // the project's folder: relative data paths start there
    int epochsDone = 0;
};

// `checkpoint` is "last", "best" (PROJECT.d/last.ckpt, best.ckpt) or a
// checkpoint file's path. Throws ExportError naming the file when it is
// missing or does not fit its network.
TrainedModel loadTrainedModel(const std::string& projectPath, const std::string& checkpoint);

} // namespace lepton
