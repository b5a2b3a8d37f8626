#include "util/atomicfile.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lepton {

namespace {

// Errors derive from std::system_error so callers can report the bare reason
// (code().message()) while what() still names the file.
[[noreturn]] void throwFileError(int error, const std::string& action, const std::string& path)
{
    throw std::system_error(error, std::generic_category(), "cannot " + action + " '" + path + "'");
}

// Closes the descriptor and removes the temp file unless released.
class TempFile {
public:
    TempFile(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    ~TempFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        if (!m_path.empty())
            ::unlink(m_path.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    int fd() const { return m_fd; }
    const std::string& path() const { return m_path; }
    // Returns the result of close(2); the descriptor is gone either way.
    int close()
    {
        int result = ::close(m_fd);
        m_fd = -1;
        return result;
    }
    void release() { m_path.clear(); }

private:
    int m_fd;
    std::string m_path;
};

// ".net.lepton.tmp-": what temporary files beside `path` start with, its
// name cut short enough that the whole temporary name fits in NAME_MAX.
std::string tempPrefix(const std::filesystem::path& target)
{
    return "." + target.filename().string().substr(0, 200) + ".tmp-";
}

// Temporary files a killed save left beside `path`: those of processes no
// longer running.
void removeOrphanedTemps(const std::filesystem::path& target)
{
    const std::string prefix = tempPrefix(target);
    std::error_code error;
    const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            std::filesystem::remove(entry.path(), error);
    }
}

// The file a save of `path` replaces: a symbolic link's target, so the link
// stays a link.
std::string saveTarget(const std::string& path)
{
    std::filesystem::path target(path);
    std::error_code error;
    for (int hops = 0; std::filesystem::is_symlink(target, error); ++hops) {
        if (hops == 40)
            throwFileError(ELOOP, "save", path);
        const std::filesystem::path link = std::filesystem::read_symlink(target, error);
        if (error)
            throwFileError(error.value(), "save", path);
        target = link.is_absolute() ? link : target.parent_path() / link;
    }
    return target.string();
}

// A fresh file beside `path`, created with O_EXCL so concurrent saves never
// share one. Mode 0666 lets the umask decide the permissions, as for any new file.
TempFile createTempBeside(const std::string& path)
{
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path target(path);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string name = tempPrefix(target) + std::to_string(::getpid()) + "-"
            + std::to_string(counter++);
        const std::string tempPath = (target.parent_path() / name).string();
        int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return TempFile(fd, tempPath);
        if (errno != EEXIST)
            throwFileError(errno, "save", path);
    }
    throwFileError(EEXIST, "save", path);
}

void writeAll(int fd, const std::string& contents, const std::string& path)
{
    const char* data = contents.data();
    size_t left = contents.size();
    while (left > 0) {
        ssize_t written = ::write(fd, data, left);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            throwFileError(errno, "save", path);
        }
        data += written;
        left -= static_cast<size_t>(written);
    }
}

// Makes the rename itself durable; best effort, as some file systems refuse it.
void syncFolderOf(const std::string& path)
{
    std::string folder = std::filesystem::path(path).parent_path().string();
    int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

void writeFileAtomically(const std::string& requested, const std::string& contents)
{
    const std::string path = saveTarget(requested);
    // A file nobody may write keeps its contents, even for root.
    struct stat existing;
    const bool exists = ::stat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode);
    if (exists && (existing.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
        throw std::system_error(EACCES, std::generic_category(), "cannot save '" + requested + "': the file is read-only");
    removeOrphanedTemps(path);
    TempFile temp = createTempBeside(path);
    writeAll(temp.fd(), contents, path);

    // An existing file keeps its permissions.
    if (exists)
        ::fchmod(temp.fd(), existing.st_mode & 07777);

    if (::fsync(temp.fd()) != 0)
        throwFileError(errno, "save", path);
    if (temp.close() != 0)
        throwFileError(errno, "save", path);
    if (::rename(temp.path().c_str(), path.c_str()) != 0)
        throwFileError(errno, "save", path);
    temp.release();
    syncFolderOf(path);
}

void removeLeftoverSaves(const std::string& path) noexcept
{
    try {
        removeOrphanedTemps(saveTarget(path));
    } catch (const std::exception&) {
        // A link loop or an unreadable folder: nothing of ours to clear.
    }
}

FileReadError::FileReadError(const std::string& path, const std::string& reason)
    : std::runtime_error(path + ": " + reason)
    , m_reason(reason)
{
}

std::string irregularFileReason(const std::string& path)
{
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(path, error);
    if (error)
        return "cannot open: " + error.message();
    switch (status.type()) {
    case std::filesystem::file_type::regular:
        return {};
    case std::filesystem::file_type::directory:
        return "is a folder, not a file";
    case std::filesystem::file_type::fifo:
        return "is a FIFO (named pipe), not a file";
    case std::filesystem::file_type::character:
    case std::filesystem::file_type::block:
        return "is a device, not a file";
    default:
        return "is not a regular file";
    }
}

std::string readFile(const std::string& path, uint64_t maxBytes)
{
    if (const std::string reason = irregularFileReason(path); !reason.empty())
        throw FileReadError(path, reason);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw FileReadError(path, std::string("cannot open: ") + std::generic_category().message(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw FileReadError(path, "is not a regular file");
    }
    if (static_cast<uint64_t>(info.st_size) > maxBytes) {
        ::close(fd);
        throw FileReadError(path, "is " + std::to_string(info.st_size / (1 << 20)) + " MB, more than the "
                                      + std::to_string(maxBytes / (1 << 20)) + " MB such a file may be");
    }
    std::string contents;
    contents.reserve(static_cast<size_t>(info.st_size));
    char buffer[1 << 16];
    for (;;) {
        const ssize_t count = ::read(fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0) {
            const int error = errno;
            ::close(fd);
            throw FileReadError(path, "cannot read: " + std::generic_category().message(error));
        }
        if (count == 0)
            break;
        // A file that grows while read stops at the cap all the same.
        if (contents.size() + static_cast<size_t>(count) > maxBytes) {
            ::close(fd);
            throw FileReadError(path, "grew past the " + std::to_string(maxBytes / (1 << 20)) + " MB such a file may be");
        }
        contents.append(buffer, static_cast<size_t>(count));
    }
    ::close(fd);
    return contents;
}

} // namespace lepton
