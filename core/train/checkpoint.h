#pragma once

#include "model/graphmodule.h"
#include "train/trainingconfig.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace lepton {

// What loading weights into a graph did to one layer with weights.
struct LayerLoad {
    enum class Result { Loaded, Initialized };
    NodeId id = 0;
    std::string name;
    Result result = Result::Loaded;
    std::string reason; // why it was newly initialized
};

struct WeightsReport {
    std::vector<LayerLoad> layers;
    std::vector<std::string> skipped; // tensors in the file no layer took, "n9.weight: no such layer"
    bool complete() const; // every layer loaded and nothing skipped
    // "loaded 3 layers, 1 newly initialized (fc2: weight is [64, 32] in the file, [64, 16] now), 2 tensors skipped"
    std::string summary() const;
};

// A run's state at the end of an epoch, everything a resumed run needs to
// continue as if never interrupted: the weights, the optimizer's state, both
// random generators, and the counters and schedule state as JSON. Written
// with torch::pickle_save (so Python's torch.load reads it too) to a
// temporary file renamed into place: a kill never leaves half a checkpoint.
struct Checkpoint {
    std::vector<std::pair<std::string, torch::Tensor>> weights; // "n<ID>.<tensor>", on the CPU
    std::vector<char> optimizer;                                 // the optimizer's own archive
    torch::Tensor shuffleGenerator;                              // the run's generator state
    torch::Tensor globalGenerator;                               // the default CPU generator (dropout)
    nlohmann::json state;
};

Checkpoint makeCheckpoint(GraphModule& model, torch::optim::Optimizer& optimizer,
                          const torch::Generator& shuffle, nlohmann::json state);
// Throws std::runtime_error naming the file when it cannot be written.
void writeCheckpoint(const Checkpoint& checkpoint, const std::string& path);
// Throws std::runtime_error naming the file when it is missing or not a
// checkpoint.
Checkpoint readCheckpoint(const std::string& path);

// Copies the checkpoint's weights into `model`, matching each tensor by node
// id and shape; a layer whose tensors are missing or differ keeps its fresh
// initialization. Never throws for a mismatch: the report says what happened.
WeightsReport loadWeights(GraphModule& model, const Graph& graph, const Checkpoint& checkpoint);
// The optimizer's and generators' state, for resuming the same graph.
void restoreTrainingState(const Checkpoint& checkpoint, torch::optim::Optimizer& optimizer,
                          torch::Generator& shuffle, torch::Device device);

// The settings a resumed run must share with its checkpoint's: all but the
// epochs (a run may be given more), the device and how it computes there.
nlohmann::json resumableSettings(const TrainingConfig& config);
// The first setting that differs from the checkpoint's, or "".
std::string changedSetting(const nlohmann::json& saved, const TrainingConfig& config);

} // namespace lepton
