#include "data/idxreader.h"

#include "data/readbuffer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <zlib.h>

namespace lepton {

namespace {

constexpr uint8_t kUnsignedByteType = 0x08;
constexpr int kMaxDims = 4;
// zlib works in unsigned int lengths; large reads keep the call overhead negligible.
constexpr int64_t kReadChunk = int64_t(1) << 26;

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw DataError(path + ": " + problem);
}

std::string hex(uint32_t value, int digits)
{
    static const char* const kDigits = "0123456789ABCDEF";
    std::string text = "0x";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        text += kDigits[(value >> shift) & 0xF];
    return text;
}

struct GzCloser {
    void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// Reads up to `size` bytes; returns how many arrived before the end of the file.
int64_t readUpTo(gzFile file, uint8_t* data, int64_t size, const std::string& path)
{
    int64_t total = 0;
    while (total < size) {
        const auto want = static_cast<unsigned>(std::min(size - total, kReadChunk));
        const int got = gzread(file, data + total, want);
        if (got < 0) {
            int code = 0;
            const char* message = gzerror(file, &code);
            fail(path, std::string("cannot decompress: ") + (code == Z_ERRNO ? std::strerror(errno) : message));
        }
        if (got == 0)
            break;
        total += got;
    }
    return total;
}

void readHeader(gzFile file, const std::string& path, IdxArray& array)
{
    uint8_t magic[4];
    const int64_t got = readUpTo(file, magic, 4, path);
    if (got < 4)
        fail(path, "ends after " + std::to_string(got) + " bytes, inside the IDX header");
    const uint32_t magicNumber = (uint32_t(magic[0]) << 24) | (uint32_t(magic[1]) << 16)
        | (uint32_t(magic[2]) << 8) | magic[3];
    if (magic[0] != 0 || magic[1] != 0)
        fail(path, "bad magic number " + hex(magicNumber, 8) + ", not an IDX file");
    if (magic[2] != kUnsignedByteType)
        fail(path, "unsupported data type " + hex(magic[2], 2) + " (only unsigned bytes, 0x08, are supported)");
    const int rank = magic[3];
    if (rank < 1 || rank > kMaxDims)
        fail(path, "unsupported number of dimensions " + std::to_string(rank) + " (1 to "
                 + std::to_string(kMaxDims) + " are supported)");

    uint8_t dims[4 * kMaxDims];
    if (readUpTo(file, dims, 4 * rank, path) < 4 * rank)
        fail(path, "ends inside the IDX header (" + std::to_string(rank) + " dimensions expected)");
    for (int i = 0; i < rank; ++i) {
        const uint8_t* d = dims + 4 * i;
        const int64_t dim = (int64_t(d[0]) << 24) | (int64_t(d[1]) << 16) | (int64_t(d[2]) << 8) | d[3];
        if (dim == 0)
            fail(path, "dimension " + std::to_string(i + 1) + " is zero");
        array.dims.push_back(dim);
    }
}

// "60000x28x28"
std::string dimsText(const std::vector<int64_t>& dims)
{
    std::string text;
    for (int64_t dim : dims)
        text += (text.empty() ? "" : "x") + std::to_string(dim);
    return text;
}

// Refuses a header that promises more than the file can hold, before the
// data is allocated: a raw file must hold it all, and a gzipped one is
// never inflated beyond kDefaultInflateLimit on the header's word alone.
void checkPromise(const std::string& path, gzFile file, const IdxArray& array, int64_t expected)
{
    const std::string promise = "of data (" + dimsText(array.dims) + ")";
    if (gzdirect(file)) {
        std::error_code error;
        const auto fileSize = int64_t(std::filesystem::file_size(path, error));
        const int64_t available = error ? expected : fileSize - 4 - 4 * int64_t(array.dims.size());
        if (available < expected)
            fail(path, "ends after " + std::to_string(available) + " of " + std::to_string(expected)
                     + " data bytes; the header promises " + byteCount(expected) + " " + promise);
        if (available > expected)
            fail(path, "has trailing bytes after the " + std::to_string(expected) + " data bytes");
    } else if (expected > kDefaultInflateLimit) {
        fail(path, "header promises " + byteCount(expected) + " " + promise + "; refusing");
    }
    checkAllocation(path, "the data " + dimsText(array.dims), expected);
}

} // namespace

IdxArray readIdx(const std::string& path)
{
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        fail(path, "no such file");
    if (std::filesystem::is_directory(path, error))
        fail(path, "is a folder, not an IDX file");
    GzFile file(gzopen(path.c_str(), "rb"));
    if (!file)
        fail(path, std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(file.get(), 1 << 20);

    IdxArray array;
    readHeader(file.get(), path, array);
    int64_t expected = 1;
    for (int64_t dim : array.dims)
        expected = dim > INT64_MAX / expected ? INT64_MAX : expected * dim;
    checkPromise(path, file.get(), array, expected);

    // A gzip stream grows the buffer towards the size the header claims, so a
    // corrupt header fails at the real end instead of allocating the claim;
    // a plain file was just seen to hold it all.
    const bool plain = gzdirect(file.get());
    int64_t received = 0;
    while (received < expected) {
        const int64_t capacity = plain ? expected : std::min(expected, std::max<int64_t>(kReadChunk, 2 * received));
        resizeLarge(array.bytes, static_cast<size_t>(capacity));
        const int64_t got = readUpTo(file.get(), array.bytes.data() + received, capacity - received, path);
        received += got;
        if (received < capacity)
            fail(path, "ends after " + std::to_string(received) + " of " + std::to_string(expected)
                     + " data bytes");
    }

    uint8_t extra;
    if (readUpTo(file.get(), &extra, 1, path) > 0)
        fail(path, "has trailing bytes after the " + std::to_string(expected) + " data bytes");
    return array;
}

Dataset loadIdxDataset(const std::string& imagesPath, const std::string& labelsPath)
{
    IdxArray images = readIdx(imagesPath);
    if (images.dims.size() != 3)
        fail(imagesPath, "expected images x rows x columns (3 dimensions), got "
                 + std::to_string(images.dims.size()) + " dimensions");
    const IdxArray labels = readIdx(labelsPath);
    if (labels.dims.size() != 1)
        fail(labelsPath, "expected a list of labels (1 dimension), got "
                 + std::to_string(labels.dims.size()) + " dimensions");
    if (labels.dims[0] != images.dims[0])
        fail(labelsPath, "has " + std::to_string(labels.dims[0]) + " labels but '" + imagesPath + "' has "
                 + std::to_string(images.dims[0]) + " images");

    Dataset dataset;
    dataset.name = std::filesystem::path(imagesPath).filename().string();
    dataset.task = TaskType::Classification;
    dataset.featureShape = {1, images.dims[1], images.dims[2]};

    dataset.featureBytes = std::move(images.bytes);
    dataset.encoding = {{"source", "idx"}, {"layout", "CHW"}, {"scale", "byte / 255"}};

    dataset.labels.assign(labels.bytes.begin(), labels.bytes.end());
    const uint8_t maxLabel = *std::max_element(labels.bytes.begin(), labels.bytes.end());
    dataset.numClasses = int64_t(maxLabel) + 1;
    return dataset;
}

} // namespace lepton

