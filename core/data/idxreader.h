#pragma once

#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// One MNIST-style IDX file (http://yann.lecun.com/exdb/mnist/ format):
// magic 0x0000 <type> <ndims>, big-endian dims, then the data.
struct IdxArray {
    std::vector<int64_t> dims;
    std::vector<uint8_t> bytes; // only unsigned-byte (0x08) data is supported
};

// Reads plain or gzip-compressed IDX. Throws DataError naming the file on a
// bad magic number, unsupported type, truncated data or trailing bytes, and
// before allocating, when the header promises more data than a plain file
// holds or than kDefaultInflateLimit (gzip) or the free memory allow.
IdxArray readIdx(const std::string& path);

// Pairs an image file (N x rows x cols) with a label file (N): features
// are {1, rows, cols} bytes (featureBytes, read as byte / 255); classes are
// 0..max label.
Dataset loadIdxDataset(const std::string& imagesPath, const std::string& labelsPath);

} // namespace lepton
