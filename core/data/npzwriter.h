#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// One array of an .npz archive: raw little-endian values of `descr` ("<f4",
// "|u1", "<i8") in C order.
struct NpzMember {
    std::string name; // without .npy
    std::string descr;
    std::vector<int64_t> shape;
    std::string data;
};

// The .npy file of one array (format 1.0), as NumPy writes it.
std::string npyFileBytes(const NpzMember& array);

// Writes the arrays as an uncompressed .npz archive that numpy.load reads.
// Throws std::runtime_error naming the file.
void writeNpz(const std::string& path, const std::vector<NpzMember>& arrays);

} // namespace lepton
