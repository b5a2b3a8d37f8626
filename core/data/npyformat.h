#pragma once

// The .npy header, shared by the .npy and .npz readers.

#include "data/npyreader.h"

#include <cstdint>
#include <functional>
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

// An empty array of the header's type and shape, with room for its data.
NpyArray allocateNpy(const NpyHeader& header);

// Fills the array allocated for `header` with its raw data, asking `read`
// for a piece at a time: read(into, bytes) returns how many it wrote, fewer
// only at the end of its input. Pieces of about a megabyte are still in the
// cache when the read overwrites the zeros std::vector put there, which
// makes a 200 MB load a third faster than zeroing it all first. Returns
// the bytes read; then finishNpy() puts them in order.
int64_t fillNpy(const NpyHeader& header, NpyArray& array, const std::function<int64_t(uint8_t*, int64_t)>& read);
void finishNpy(const NpyHeader& header, NpyArray& array);

} // namespace lepton
