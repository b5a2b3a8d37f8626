#pragma once

#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Where a project's data comes from, as stored in the project file.
struct DatasetSpec {
    enum class Source { Synthetic, Idx };
    Source source = Source::Synthetic;

    // Synthetic: generator "spiral" | "moons" (classification) | "sine" (regression).
    std::string generator = "spiral";
    int64_t samples = 1500;
    int64_t testSamples = 0; // drawn from the same distribution with another seed
    int64_t classes = 3;     // spiral arms
    double noise = 0.1;
    uint64_t seed = 1;

    // Idx: MNIST-style files, plain or .gz; relative paths resolve against
    // the project file's folder. Test files are optional.
    std::string trainImages;
    std::string trainLabels;
    std::string testImages;
    std::string testLabels;

    // Optional display names for classes 0..n-1 (e.g. "T-shirt/top").
    std::vector<std::string> classNames;

    // What the network learns to output: the labels, or its own input
    // (autoencoders; the task becomes regression onto the features).
    enum class Target { Labels, Input };
    Target target = Target::Labels;
};

// Loads or generates the data. Throws DataError naming the file and problem.
DatasetSplits loadDataset(const DatasetSpec& spec, const std::string& baseDir);

} // namespace lepton
