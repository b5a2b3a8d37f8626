#pragma once

#include "data/dataset.h"
#include "data/readbuffer.h"

#include <string>

namespace lepton {

// Where the arrays come from and how to read them. Paths are absolute.
struct NpyDatasetOptions {
    // Either two .npy files (and optionally a test pair) ...
    std::string features;
    std::string labels;
    std::string testFeatures;
    std::string testLabels;
    // ... or one .npz archive. Empty keys choose "x_train"/"y_train" (with
    // "x_test"/"y_test" when present) if the archive has them, else "x"/"y".
    std::string archive;
    std::string featuresKey;
    std::string labelsKey;
    std::string testFeaturesKey;
    std::string testLabelsKey;
    int64_t inflateLimit = kDefaultInflateLimit;

    // Auto: N x H x W uint8 arrays are gray images and N x H x W x C (or
    // N x C x H x W) uint8 arrays with C of 1, 3 or 4 colour images.
    // Images become [C, H, W] samples; uint8 images stay bytes (read as
    // byte / 255), everything else becomes float32 as it is.
    enum class Images { Auto, Yes, No };
    Images images = Images::Auto;
    // Auto: per-sample integer labels (integer dtype, or floats that are all
    // whole and non-negative) are classes 0..max; anything else is regression.
    enum class Task { Auto, Classification, Regression };
    Task task = Task::Auto;
};

// Throws DataError naming the file (and member, index) at fault.
DatasetSplits loadNpyDataset(const NpyDatasetOptions& options);

} // namespace lepton
