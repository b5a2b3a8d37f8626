#pragma once

#include "data/datasource.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Where a project's data comes from and how it is split, normalized and
// augmented, as stored in the project file. Every group is a params object
// read through its schema, so the Data panel edits them all the same way.
struct DatasetSpec {
    std::string source = "synthetic";                     // a DataSourceRegistry id
    nlohmann::json params = nlohmann::json::object();       // the source's params
    nlohmann::json split = nlohmann::json::object();        // splitSchema()
    nlohmann::json preprocessing = nlohmann::json::object(); // preprocessingSchema()
    nlohmann::json augmentation = nlohmann::json::object(); // augmentationSchema()

    // Optional display names for classes 0..n-1 (e.g. "T-shirt/top").
    std::vector<std::string> classNames;

    // What the network learns to output: the labels, or its own input
    // (autoencoders; the task becomes regression onto the features).
    enum class Target { Labels, Input };
    Target target = Target::Labels;
};

// The param groups of a DatasetSpec besides the source's own.
const std::vector<ParamSpec>& splitSchema();
const std::vector<ParamSpec>& preprocessingSchema();
const std::vector<ParamSpec>& augmentationSchema();

// Typed views of the groups, defaults filled in.
struct SplitSettings {
    double validation = 0.2; // fractions of the data (of the training file when a test file is given)
    double test = 0.0;
    uint64_t seed = 1;       // its own seed: runs with other training seeds see the same split
    bool stratify = true;    // each class keeps its share in every part
};
SplitSettings splitSettings(const DatasetSpec& spec);

enum class Normalization { None, Standardize, MinMax };
Normalization normalization(const DatasetSpec& spec);

struct AugmentationSettings {
    bool horizontalFlip = false;
    bool verticalFlip = false;
    int64_t cropPadding = 0;  // pad by this many pixels, then crop back at random
    double rotation = 0.0;    // up to this many degrees either way
    double translation = 0.0; // up to this fraction of the size either way
    double noise = 0.0;       // standard deviation of added Gaussian noise
    double erasing = 0.0;     // chance of erasing one random rectangle
    bool any() const;
};
AugmentationSettings augmentationSettings(const DatasetSpec& spec);

// Empty when the source is known and every group suits its schema; else the
// problem with the JSON path of the value at fault ("split.validation: ...").
struct DatasetProblem {
    std::string path;
    std::string problem;
    bool empty() const { return problem.empty(); }
};
DatasetProblem datasetProblem(const DatasetSpec& spec);

// Data files the spec names that do not exist or cannot be read, as
// "params.path: /data/x.csv: no such file"; checked when a project opens.
// The spec with its relative data paths rewritten for a project moving from
// folder `from` to folder `to`, so they still name the same files (Save As);
// absolute paths stay as they are.
DatasetSpec rebaseDataPaths(DatasetSpec spec, const std::string& from, const std::string& to);

std::vector<std::string> missingDataFiles(const DatasetSpec& spec, const std::string& baseDir);

// One line for people: "Synthetic spiral · 3000 samples", "CSV / TSV table:
// iris.csv".
std::string datasetSummary(const DatasetSpec& spec);

// Loads the source's data (train, and test when the source has its own)
// with class names and the target applied. Throws DataError.
DatasetSplits loadDataset(const DatasetSpec& spec, const DataLoadContext& context);

} // namespace lepton
