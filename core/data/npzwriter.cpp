#include "data/npzwriter.h"

#include <zip.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

namespace lepton {

std::string npyFileBytes(const NpzMember& array)
{
    std::string shape;
    for (int64_t size : array.shape)
        shape += std::to_string(size) + ", ";
    if (array.shape.size() > 1)
        shape.resize(shape.size() - 2);
    else if (!array.shape.empty())
        shape.pop_back(); // "(5,)"
    std::string dict = "{'descr': '" + array.descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
    // The header (magic, version, length, dict, newline) fills whole 64-byte blocks.
    while ((10 + dict.size() + 1) % 64 != 0)
        dict += ' ';
    dict += '\n';
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(dict.size() & 0xFF);
    bytes += static_cast<char>(dict.size() >> 8);
    return bytes + dict + array.data;
}

void writeNpz(const std::string& path, const std::vector<NpzMember>& arrays)
{
    const std::string temporary = path + ".part";
    int code = 0;
    zip_t* zip = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (!zip)
        throw std::runtime_error(path + ": cannot create the archive (libzip error " + std::to_string(code) + ")");
    std::vector<std::string> files; // zip_close reads them: they must live until then
    files.reserve(arrays.size());
    for (const NpzMember& array : arrays) {
        files.push_back(npyFileBytes(array));
        zip_source_t* source = zip_source_buffer(zip, files.back().data(), files.back().size(), 0);
        const zip_int64_t index = source ? zip_file_add(zip, (array.name + ".npy").c_str(), source, ZIP_FL_OVERWRITE) : -1;
        if (index < 0) {
            zip_source_free(source);
            const std::string message = zip_strerror(zip);
            zip_discard(zip);
            throw std::runtime_error(path + ": " + message);
        }
        zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    if (zip_close(zip) != 0) {
        const std::string message = zip_strerror(zip);
        zip_discard(zip);
        throw std::runtime_error(path + ": " + message);
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error)
        throw std::runtime_error(path + ": " + error.message());
}

} // namespace lepton
