#pragma once

#include "data/dataset.h"
#include "graph/graph.h"
#include "graph/shape.h"
#include "train/trainingconfig.h"

#include <string>

namespace lepton {

// Checks made before a run starts, so a mistake reads as a sentence instead
// of a tensor error deep inside the first batch. Each returns an empty string
// when all is well, otherwise the problem.

// Settings out of range ("training: parameter 'batch_size' must be between
// 1 and 2147483647, got 0").
std::string configProblem(const TrainingConfig& config);

// Whether the dataset suits the model's Input and Output layers under the
// loss (and its class weights),
// naming the layer: "Input 'input' expects samples of shape [2], but dataset
// 'mnist' has [1, 28, 28]".
std::string dataFitProblem(const Dataset& data, const TrainingConfig& config, const Node& input,
                           const Shape& inputShape, const Node& output, const Shape& outputShape);

// Whether the metric that early stopping and the plateau schedule watch
// exists in this run: validation metrics need a validation split, accuracy
// needs classes.
// How far an epoch's mean training loss may rise above the run's first
// batch loss (or 1, when that was smaller) before the run counts as diverged.
constexpr double kDivergenceFactor = 1e4;

// Empty unless the epoch's loss has taken off without becoming NaN: "the
// loss diverged in epoch 1: 5.37e+06 against 1.12 at the start; lower the
// learning rate (now 100)".
std::string divergenceProblem(double epochLoss, double startLoss, int epoch, double learningRate);

std::string monitorProblem(const TrainingConfig& config, bool hasValidation, bool classification);

} // namespace lepton
