#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace lepton::fuzz {

// Bytes behind a path, for importers that open files: a memfd, so fuzzing
// touches no disk and leaves nothing behind after a crash.
class MemoryFile {
public:
    MemoryFile(const uint8_t* data, size_t size)
        : m_fd(::memfd_create("lepton-fuzz", MFD_CLOEXEC))
    {
        if (m_fd < 0)
            std::abort();
        for (size_t done = 0; done < size;) {
            const ssize_t wrote = ::write(m_fd, data + done, size - done);
            if (wrote <= 0)
                std::abort();
            done += static_cast<size_t>(wrote);
        }
        m_path = "/proc/self/fd/" + std::to_string(m_fd);
    }
    ~MemoryFile() { ::close(m_fd); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    const std::string& path() const { return m_path; }

private:
    int m_fd;
    std::string m_path;
};

} // namespace lepton::fuzz
