#pragma once

#include "graph/shape.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lepton {

enum class TaskType { Classification, Regression };

// An in-memory dataset: samples stored row-major, one after another.
// Kept free of LibTorch; the trainer wraps the buffers without copying.
struct Dataset {
    std::string name;
    TaskType task = TaskType::Classification;
    Shape featureShape;          // per sample, e.g. {1, 28, 28}
    std::vector<float> features; // size() * shapeElementCount(featureShape)
    // Classification: one class index per sample, in [0, numClasses).
    std::vector<int64_t> labels;
    int64_t numClasses = 0;
    std::vector<std::string> classNames;
    // Regression: size() * shapeElementCount(targetShape) values.
    Shape targetShape;
    std::vector<float> targets;

    int64_t size() const;
};

struct DatasetSplits {
    Dataset train;               // the trainer carves validation out of this
    std::optional<Dataset> test; // held-out set, when the source has one
};

// Raised for unreadable or inconsistent data; the message names the file (and
// offset/record where it helps) and what is wrong.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace lepton
