#pragma once

// The .npy header, shared by the .npy and .npz readers.

#include "data/npyreader.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lepton {

struct NpyHeader {
    NpyArray::DType dtype = NpyArray::DType::Float32;
    int itemSize = 4;
    bool swapBytes = false; // big-endian data
    bool fortranOrder = false;
    std::vector<int64_t> shape;
    int64_t dataOffset = 0; // where the data starts: the whole header's length
    int64_t dataBytes = 0;
};

// Enough leading bytes for npyDataOffset() in every format version.
constexpr size_t kNpyPreludeBytes = 12;

// Where the data starts, read from the magic, version and header length in
// `prelude` (the first bytes, up to kNpyPreludeBytes of them).
int64_t npyDataOffset(std::string_view prelude, const std::string& name);

// Parses the header dict; `head` holds the first dataOffset bytes.
NpyHeader parseNpyHeader(std::string_view head, const std::string& name);

// An array of the header's type and shape whose dataBytes raw bytes are to
// be written at the returned pointer, then put in order by finishNpy().
NpyArray allocateNpy(const NpyHeader& header, uint8_t** data);
void finishNpy(const NpyHeader& header, NpyArray& array);

} // namespace lepton
