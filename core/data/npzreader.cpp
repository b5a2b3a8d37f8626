// The .npz half of npyreader.h: a zip archive of .npy members, read with libzip.

#include "data/npyreader.h"

#include "data/dataset.h"
#include "data/npyformat.h"

#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <memory>

namespace lepton {

namespace {

constexpr std::string_view kSuffix = ".npy";

[[noreturn]] void fail(const std::string& name, const std::string& problem)
{
    throw DataError(name + ": " + problem);
}

struct ZipCloser {
    void operator()(zip_t* zip) const { zip_discard(zip); } // read-only: nothing to write back
};
struct ZipFileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;
using ZipFile = std::unique_ptr<zip_file_t, ZipFileCloser>;

Zip openZip(const std::string& path)
{
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        fail(path, "no such file");
    if (std::filesystem::is_directory(path, error))
        fail(path, "is a folder, not an .npz archive");
    int code = 0;
    Zip zip(zip_open(path.c_str(), ZIP_RDONLY, &code));
    if (!zip) {
        zip_error_t zipError;
        zip_error_init_with_code(&zipError, code);
        const std::string message = zip_error_strerror(&zipError);
        zip_error_fini(&zipError);
        fail(path, "cannot read it as an .npz (zip) archive: " + message);
    }
    return zip;
}

bool isArray(const std::string& name)
{
    return name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

std::string arrayName(const std::string& member)
{
    return member.substr(0, member.size() - kSuffix.size());
}

// Inflates up to `size` bytes; returns how many the member had.
int64_t inflate(zip_file_t* file, void* data, int64_t size, const std::string& label)
{
    int64_t total = 0;
    while (total < size) {
        const zip_int64_t got = zip_fread(file, static_cast<char*>(data) + total, zip_uint64_t(size - total));
        if (got < 0)
            fail(label, std::string("cannot inflate: ") + zip_file_strerror(file));
        if (got == 0)
            break;
        total += got;
    }
    return total;
}

NpyArray readMember(zip_t* zip, zip_uint64_t index, const zip_stat_t& stat, const std::string& label,
                    int64_t inflateLimit)
{
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE)
        fail(label, "is encrypted");
    const bool sizeKnown = stat.valid & ZIP_STAT_SIZE;
    const int64_t declared = int64_t(std::min<zip_uint64_t>(stat.size, INT64_MAX));
    if (sizeKnown)
        checkAllocation(label, "inflating it", declared, inflateLimit);
    ZipFile file(zip_fopen_index(zip, index, 0));
    if (!file)
        fail(label, std::string("cannot open: ") + zip_strerror(zip));

    // The prelude is 10 bytes in version 1 and 12 later: never read past it.
    std::string head(10, '\0');
    head.resize(size_t(inflate(file.get(), head.data(), 10, label)));
    if (head.size() == 10 && static_cast<uint8_t>(head[6]) >= 2) {
        head.resize(12);
        head.resize(size_t(10 + inflate(file.get(), head.data() + 10, 2, label)));
    }
    const int64_t dataOffset = npyDataOffset(head, label);
    const size_t have = head.size();
    head.resize(size_t(dataOffset));
    head.resize(have + size_t(inflate(file.get(), head.data() + have, dataOffset - int64_t(have), label)));
    const NpyHeader header = parseNpyHeader(head, label);

    if (sizeKnown && declared != header.dataOffset + header.dataBytes)
        fail(label, "the archive says it inflates to " + std::to_string(declared) + " bytes but its header promises "
                 + std::to_string(header.dataOffset + header.dataBytes) + " (" + npyDTypeName(header.dtype) + " "
                 + npyShapeText(header.shape) + "); refusing");
    checkAllocation(label, npyDTypeName(header.dtype) + " " + npyShapeText(header.shape), header.dataBytes,
                    inflateLimit);
    NpyArray array = allocateNpy(header);
    const int64_t got = fillNpy(header, array,
                                [&](uint8_t* into, int64_t size) { return inflate(file.get(), into, size, label); });
    if (got < header.dataBytes)
        fail(label, "expected " + std::to_string(header.dataBytes) + " bytes of data at offset "
                 + std::to_string(header.dataOffset) + ", member has " + std::to_string(got));
    // Reading to the end also makes libzip check the CRC.
    char extra;
    if (inflate(file.get(), &extra, 1, label) > 0)
        fail(label, "inflates to more than the " + std::to_string(header.dataOffset + header.dataBytes)
                 + " bytes its header promises; refusing");
    finishNpy(header, array);
    return array;
}

} // namespace

std::map<std::string, NpyArray> readNpz(const std::string& path, const std::vector<std::string>& members,
                                        int64_t inflateLimit)
{
    const Zip zip = openZip(path);
    std::map<std::string, NpyArray> arrays;
    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(zip.get(), zip_uint64_t(i), 0, &stat) != 0)
            fail(path, "entry " + std::to_string(i) + ": " + zip_strerror(zip.get()));
        if (!(stat.valid & ZIP_STAT_NAME) || !isArray(stat.name))
            continue;
        const std::string name = arrayName(stat.name);
        if (arrays.count(name)
            || (!members.empty() && std::find(members.begin(), members.end(), name) == members.end()))
            continue;
        arrays.emplace(name, readMember(zip.get(), zip_uint64_t(i), stat,
                                        path + " (member '" + stat.name + "')", inflateLimit));
    }
    for (const std::string& wanted : members) {
        if (!arrays.count(wanted)) {
            std::string held;
            for (const std::string& name : npzMembers(path))
                held += (held.empty() ? "" : ", ") + name;
            fail(path, "has no array '" + wanted + "' (it holds: " + (held.empty() ? "none" : held) + ")");
        }
    }
    return arrays;
}

std::vector<std::string> npzMembers(const std::string& path)
{
    const Zip zip = openZip(path);
    std::vector<std::string> names;
    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const char* name = zip_get_name(zip.get(), zip_uint64_t(i), 0);
        if (name && isArray(name))
            names.push_back(arrayName(name));
    }
    return names;
}

} // namespace lepton
