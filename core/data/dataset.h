#pragma once

#include "data/samplereader.h"
#include "graph/shape.h"
#include "util/displaytext.h"
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
// features of large arrays) in a mapped file, or made per sample when needed
// (image folders larger than memory). Kept free of LibTorch; the trainer
// wraps stored features without copying.
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
    // Or the features are bytes made one sample at a time by `reader`; then
    // nothing is stored and byteData() is null: read through readSample().
    std::shared_ptr<const SampleReader> reader;
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
    bool storesBytes() const { return reader || (mapped ? mappedBytes : !featureBytes.empty()); }
    bool isLazy() const { return reader != nullptr; }
    // The stored features; only the one that storesBytes() names holds them.
    const float* floatData() const
    {
        return mapped ? reinterpret_cast<const float*>(mapped->data() + mappedOffset) : features.data();
    }
    const uint8_t* byteData() const { return mapped ? mapped->data() + mappedOffset : featureBytes.data(); }
    // How many feature values are stored, whichever way (none when lazy).
    size_t storedValues() const;
    // Sample `sample`'s features as floats (bytes scaled to [0, 1]) from any
    // store, lazy included.
    std::vector<float> sampleValues(int64_t sample) const;
    // Byte-stored features only: sample `sample`'s featuresPerSample() bytes.
    void readSample(int64_t sample, uint8_t* out) const;
    // readSample() for `count` samples one after another into `out`, on one
    // thread per core when they are made lazily (decoding is the slow part).
    void readSamples(const int64_t* samples, int64_t count, uint8_t* out) const;
    // Feature `i` of the flat buffer as a float (bytes scaled to [0, 1]);
    // not for lazy datasets.
    float feature(int64_t i) const
    {
        return storesBytes() ? byteData()[i] * (1.0f / 255.0f) : floatData()[i];
    }
};

// The samples at `samples` with their labels or targets, features in
// memory: how statistics are taken from a lazy dataset, whose samples are too
// many to make all at once.
Dataset inMemorySubset(const Dataset& dataset, const std::vector<int64_t>& samples);

// At most `count` of `samples`, evenly spaced, in order.
std::vector<int64_t> evenlySpaced(const std::vector<int64_t>& samples, size_t count);

struct DatasetSplits {
    Dataset train;
    std::optional<Dataset> test; // held-out set, when the source has its own
};

// Raised for unreadable or inconsistent data; the message names the file (and
// offset/record where it helps) and what is wrong.
// Its message names files and values read from them, shown escaped
// (displayText) so no file can write control characters through it.
class DataError : public std::runtime_error {
public:
    explicit DataError(const std::string& message)
        : std::runtime_error(displayText(message))
    {
    }
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
