#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lepton {

struct Prediction {
    std::string input; // "cat.png", "plants.csv row 3"
    // Classification: the most likely classes, best first, with their
    // probabilities.
    std::vector<std::pair<std::string, double>> classes;
    // Regression (and reconstructions): the network's outputs.
    std::vector<double> values;
};

struct PredictionRun {
    std::string model;        // what predicted: "spiral.lepton (last.ckpt, epoch 12)"
    bool classification = false;
    std::vector<Prediction> predictions;
    std::vector<std::string> skipped; // inputs left out, each with why
};

// Predicts with a project's trained network (`model` a .lepton file and
// `checkpoint` last, best or a path; trainedmodel.h) or with an exported
// TorchScript file (its NAME.metadata.json beside it), on samples read from
// `inputs` as the model's training data was made (predictioninput.h), in
// batches. Keeps the `top` most likely classes. Throws ExportError or
// DataError naming the file at fault, or when no input gave a sample. Free of LibTorch, for every front end.
PredictionRun predictFiles(const std::string& model, const std::string& checkpoint,
                           const std::vector<std::string>& inputs, int top = 3);

} // namespace lepton
