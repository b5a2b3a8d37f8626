#include "util/mappedfile.h"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lepton {

namespace {

[[noreturn]] void throwFileError(int error, const std::string& what)
{
    throw std::system_error(error, std::generic_category(), what);
}

// The descriptor is only needed until mmap(): the mapping keeps the file.
struct Descriptor {
    int fd;
    ~Descriptor()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

MappedFile::MappedFile(const std::string& path)
    : m_path(path)
{
    // O_NONBLOCK: opening a pipe would otherwise wait for a writer.
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    if (file.fd < 0)
        throwFileError(errno, "cannot open '" + path + "'");
    struct stat info {};
    if (::fstat(file.fd, &info) != 0)
        throwFileError(errno, "cannot read '" + path + "'");
    if (!S_ISREG(info.st_mode))
        throwFileError(EINVAL, "cannot map '" + path + "', which is not a regular file");
    m_size = info.st_size;
    if (m_size == 0)
        return; // mmap() refuses a length of 0
    void* data = ::mmap(nullptr, size_t(m_size), PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (data == MAP_FAILED)
        throwFileError(errno, "cannot map '" + path + "'");
    // Batches pick samples at random: reading ahead around each one would
    // fetch (and, under memory pressure, evict) pages nobody asked for.
    ::madvise(data, size_t(m_size), MADV_RANDOM); // only a hint
    m_data = static_cast<const uint8_t*>(data);
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<uint8_t*>(m_data), size_t(m_size));
}

} // namespace lepton
