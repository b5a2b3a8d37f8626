#include "data/npyreader.h"

#include "data/dataset.h"
#include "data/npyformat.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lepton {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& problem)
{
    throw DataError(name + ": " + problem);
}

class FileHandle {
public:
    explicit FileHandle(int fd)
        : m_fd(fd)
    {
    }
    ~FileHandle()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    int fd() const { return m_fd; }

private:
    int m_fd;
};

// Reads up to `size` bytes at `offset`; returns how many the file had.
int64_t readAt(int fd, void* data, int64_t size, int64_t offset, const std::string& path)
{
    int64_t total = 0;
    while (total < size) {
        const ssize_t got = ::pread(fd, static_cast<char*>(data) + total, size_t(size - total), off_t(offset + total));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            fail(path, std::string("cannot read: ") + std::strerror(errno));
        if (got == 0)
            break;
        total += got;
    }
    return total;
}

// The data must fill the rest of the file exactly.
void checkDataSize(const NpyHeader& header, int64_t available, const std::string& name)
{
    if (available < header.dataBytes)
        fail(name, "expected " + std::to_string(header.dataBytes) + " bytes of data at offset "
                 + std::to_string(header.dataOffset) + " (" + npyDTypeName(header.dtype) + " "
                 + npyShapeText(header.shape) + "), file has " + std::to_string(available));
    if (available > header.dataBytes)
        fail(name, "has " + std::to_string(available - header.dataBytes) + " trailing bytes after the data, at offset "
                 + std::to_string(header.dataOffset + header.dataBytes));
}

} // namespace

int64_t NpyArray::size() const
{
    return std::visit([](const auto& v) { return static_cast<int64_t>(v.size()); }, values);
}

double NpyArray::at(int64_t i) const
{
    return std::visit([i](const auto& v) { return static_cast<double>(v[static_cast<size_t>(i)]); }, values);
}

std::string npyDTypeName(NpyArray::DType dtype)
{
    switch (dtype) {
    case NpyArray::DType::Float32: return "float32";
    case NpyArray::DType::Float64: return "float64";
    case NpyArray::DType::UInt8: return "uint8";
    case NpyArray::DType::Int32: return "int32";
    case NpyArray::DType::Int64: return "int64";
    }
    return "unknown";
}

std::string npyShapeText(const std::vector<int64_t>& shape)
{
    std::string text = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + (shape.size() == 1 ? ",)" : ")");
}

NpyArray parseNpy(std::string_view bytes, const std::string& sourceName)
{
    const NpyHeader header = parseNpyHeader(bytes, sourceName);
    checkDataSize(header, int64_t(bytes.size()) - header.dataOffset, sourceName);
    checkAllocation(sourceName, "the array", header.dataBytes);
    NpyArray array = allocateNpy(header);
    const char* data = bytes.data() + header.dataOffset;
    fillNpy(header, array, [&](uint8_t* into, int64_t size) {
        std::memcpy(into, data, size_t(size));
        data += size;
        return size;
    });
    finishNpy(header, array);
    return array;
}

NpyArray readNpy(const std::string& path)
{
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        fail(path, "no such file");
    if (std::filesystem::is_directory(path, error))
        fail(path, "is a folder, not an .npy file");
    const FileHandle file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.fd() < 0)
        fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0)
        fail(path, std::string("cannot read: ") + std::strerror(errno));
    const int64_t fileSize = info.st_size;
    ::posix_fadvise(file.fd(), 0, 0, POSIX_FADV_SEQUENTIAL);

    std::string head(size_t(std::min<int64_t>(fileSize, kNpyPreludeBytes)), '\0');
    head.resize(size_t(readAt(file.fd(), head.data(), int64_t(head.size()), 0, path)));
    const int64_t dataOffset = npyDataOffset(head, path);
    head.resize(size_t(std::min(fileSize, dataOffset)));
    head.resize(size_t(readAt(file.fd(), head.data(), int64_t(head.size()), 0, path)));
    const NpyHeader header = parseNpyHeader(head, path);

    checkDataSize(header, fileSize - header.dataOffset, path);
    checkAllocation(path, "the array", header.dataBytes);
    NpyArray array = allocateNpy(header);
    int64_t offset = header.dataOffset;
    const int64_t got = fillNpy(header, array, [&](uint8_t* into, int64_t size) {
        const int64_t read = readAt(file.fd(), into, size, offset, path);
        offset += read;
        return read;
    });
    if (got < header.dataBytes)
        fail(path, "ends after " + std::to_string(got) + " of " + std::to_string(header.dataBytes)
                 + " data bytes at offset " + std::to_string(header.dataOffset) + " (it shrank while being read)");
    finishNpy(header, array);
    return array;
}

std::optional<MappedNpy> mapNpy(const std::string& path, int64_t minBytes)
{
    std::error_code error;
    const std::uintmax_t fileSize = std::filesystem::file_size(path, error);
    if (error || !std::filesystem::is_regular_file(path, error) || fileSize < std::uintmax_t(minBytes))
        return std::nullopt;
    std::shared_ptr<const MappedFile> file;
    try {
        file = std::make_shared<const MappedFile>(path);
    } catch (const std::system_error&) {
        return std::nullopt;
    }
    const std::string_view bytes(reinterpret_cast<const char*>(file->data()), size_t(file->size()));
    const int64_t dataOffset = npyDataOffset(bytes.substr(0, kNpyPreludeBytes), path);
    const NpyHeader header = parseNpyHeader(bytes.substr(0, size_t(std::min(file->size(), dataOffset))), path);
    checkDataSize(header, file->size() - header.dataOffset, path);
    const bool asStored = (header.dtype == NpyArray::DType::Float32 || header.dtype == NpyArray::DType::UInt8)
        && !header.swapBytes && !header.fortranOrder && header.dataOffset % 4 == 0
        && header.dataBytes >= minBytes;
    if (!asStored)
        return std::nullopt;
    return MappedNpy{header.shape, header.dtype, std::move(file), size_t(header.dataOffset)};
}

} // namespace lepton
