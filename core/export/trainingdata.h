#pragma once

#include "data/datasetspec.h"

#include <cstdint>
#include <string>

namespace lepton {

// Beyond this many bytes of features the package goes without its data.
constexpr int64_t kMaxExportedDataBytes = int64_t(2) << 30;

// Writes the data a run trains on, as the workbench prepares it (files
// decoded, tables encoded, before normalization), to an .npz archive for the
// package's train.py: "x" (the features: bytes for images, else float32, or
// token ids as int64), "y" (class indices as int64, or targets as float32:
// the input itself, in [0, 1], for a network that learns to reproduce it),
// and "x_test"/"y_test" when the source has its own test set. Returns false, writing nothing, when the
// features exceed kMaxExportedDataBytes. Throws DataError naming the file.
bool writeTrainingData(const DatasetSpec& spec, const std::string& baseDir, const std::string& path);

} // namespace lepton
