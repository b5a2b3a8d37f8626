#pragma once

#include "data/readbuffer.h"
#include "util/mappedfile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lepton {

// One NumPy array, in C (row-major) order and this machine's byte order
// whatever order the file used.
struct NpyArray {
    // In the order of the alternatives of `values`.
    enum class DType { Float32, Float64, UInt8, Int32, Int64 };

    std::vector<int64_t> shape;
    std::variant<std::vector<float>, std::vector<double>, std::vector<uint8_t>,
                 std::vector<int32_t>, std::vector<int64_t>>
        values;

    DType dtype() const { return static_cast<DType>(values.index()); }
    int64_t size() const; // elements
    double at(int64_t i) const;
};

// "float32", "float64", "uint8", "int32", "int64"
std::string npyDTypeName(NpyArray::DType dtype);
// "(60000, 28, 28)", as NumPy prints it.
std::string npyShapeText(const std::vector<int64_t>& shape);

// Reads a .npy file (format versions 1.0 to 3.0, either byte order, C or
// Fortran order). Object and structured arrays are refused: nothing is ever
// unpickled. Throws DataError naming the file and the byte offset at fault.
NpyArray readNpy(const std::string& path);

// A .npy array left in its file, read in place.
struct MappedNpy {
    std::vector<int64_t> shape;
    NpyArray::DType dtype = NpyArray::DType::Float32;
    std::shared_ptr<const MappedFile> file;
    size_t offset = 0; // where the data starts in `file`
};

// Maps the .npy file at `path` when its array can be used as stored:
// little-endian float32 or uint8 in C order, starting at a multiple of 4
// bytes, and at least `minBytes` of it. Nothing otherwise, or when the file
// cannot be mapped (readNpy() then reads it or says why not). Throws
// DataError, as readNpy() would, for a malformed header.
std::optional<MappedNpy> mapNpy(const std::string& path, int64_t minBytes);

// The same for a file already in memory; `sourceName` starts every message.
NpyArray parseNpy(std::string_view bytes, const std::string& sourceName);

// The arrays of a .npz archive (stored or deflated members), keyed by member
// name without ".npy"; only `members` when that is not empty. A member that
// would inflate beyond `inflateLimit` or the free memory is refused before it
// is inflated, and one that inflates to more than its header promises stops
// there.
std::map<std::string, NpyArray> readNpz(const std::string& path,
                                        const std::vector<std::string>& members = {},
                                        int64_t inflateLimit = kDefaultInflateLimit);

// The array names a .npz archive holds, in archive order; nothing is inflated.
std::vector<std::string> npzMembers(const std::string& path);

} // namespace lepton
