#pragma once

#include "graph/shape.h"
#include "util/mappedfile.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lepton {

enum class TaskType { Classification, Regression };

// A dataset: samples stored row-major, one after another, in memory or (the
// features of large arrays) in a mapped file. Kept free of LibTorch; the
// trainer wraps the features without copying.
struct Dataset {
    std::string name;
    TaskType task = TaskType::Classification;
    Shape featureShape; // per sample, e.g. {1, 28, 28}
    // Float32 features are real values; Int64 features are token ids (held
    // exactly in the floats) for Embedding layers.
    DType featureDType = DType::Float32;
    // The features: floats, or (images, IDX) bytes that stay bytes until a
    // batch is made, read as byte / 255. Exactly one of the two is filled,
    // size() * shapeElementCount(featureShape) values, unless `mapped` is set.
    // Loaders write these; everyone else reads through floatData(),
    // byteData() or feature().
    std::vector<float> features;
    std::vector<uint8_t> featureBytes;
    // Or the features stay in a file: its values start `mappedOffset` bytes
    // into `mapped` and run to its end; bytes when `mappedBytes`.
    std::shared_ptr<const MappedFile> mapped;
    size_t mappedOffset = 0;
    bool mappedBytes = false;
    // Classification: one class index per sample, in [0, numClasses).
    std::vector<int64_t> labels;
    int64_t numClasses = 0;
    std::vector<std::string> classNames;
    // Regression: size() * shapeElementCount(targetShape) values.
    Shape targetShape;
    std::vector<float> targets;
    // How the source turned its records into features (column encodings,
    // vocabulary, image size), kept for evaluation and export.
    nlohmann::ordered_json encoding = nlohmann::ordered_json::object();
    // Files or records the loader skipped as unreadable, "path: reason".
    std::vector<std::string> unreadable;

    int64_t size() const;
    int64_t featuresPerSample() const { return shapeElementCount(featureShape); }
    bool storesBytes() const { return mapped ? mappedBytes : !featureBytes.empty(); }
    // The stored features; only the one that storesBytes() names holds them.
    const float* floatData() const
    {
        return mapped ? reinterpret_cast<const float*>(mapped->data() + mappedOffset) : features.data();
    }
    const uint8_t* byteData() const { return mapped ? mapped->data() + mappedOffset : featureBytes.data(); }
    // How many feature values are stored, whichever way.
    size_t storedValues() const;
    // Feature `i` of the flat buffer as a float (bytes scaled to [0, 1]).
    float feature(int64_t i) const
    {
        return storesBytes() ? byteData()[i] * (1.0f / 255.0f) : floatData()[i];
    }
};

struct DatasetSplits {
    Dataset train;
    std::optional<Dataset> test; // held-out set, when the source has its own
};

// Raised for unreadable or inconsistent data; the message names the file (and
// offset/record where it helps) and what is wrong.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Raised when a caller's stop flag ends a long read early.
// It is not a data problem: the caller asked for it.
class DataCancelled : public DataError {
public:
    using DataError::DataError;
    DataCancelled()
        : DataError("loading the data was cancelled")
    {
    }
};

} // namespace lepton
