#pragma once

#include "graph/shape.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// How a model wants its samples: what a checkpoint's model record or an
// export's metadata says (modelrecord.h).
struct SampleFormat {
    Shape shape;          // one sample, without the batch
    bool tokenIds = false; // int64 token ids rather than float features
    nlohmann::json encoding = nlohmann::json::object();      // how the source made features
    nlohmann::json normalization = nlohmann::json::object(); // {"offset", "scale", "shape"} when fitted
};

// Samples read from files and made exactly as the training data was.
struct PredictionSamples {
    Shape shape;
    bool tokenIds = false;
    std::vector<float> values; // one sample after another (ids held exactly)
    std::vector<std::string> names; // one per sample: "plants.csv row 3", "cat.png", "x.npy [4]"
    // Table rows left out, each with why: "plants.csv row 7: column 'height' is empty, ...".
    std::vector<std::string> skipped;

    int64_t count() const { return static_cast<int64_t>(names.size()); }
};

// Reads each file as samples for `format`: CSV/TSV rows through the table
// encoding the model was trained with (columns by name, categories by level,
// text by vocabulary), PNG/JPEG/BMP images resized to the input, or NPY
// arrays of one sample or a batch of them; then normalizes them with the
// fitted statistics. A table row that cannot be encoded (an empty cell the
// model cannot fill, a category training never saw) is skipped with its
// reason. Throws DataError naming the file when a file cannot be read or
// does not fit.
PredictionSamples readPredictionSamples(const std::vector<std::string>& paths, const SampleFormat& format);

} // namespace lepton
