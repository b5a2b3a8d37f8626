#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace lepton {

// Replaces `path` with `contents` so that a crash leaves either the old file
// or the new one, never a mix: temp file in the same folder, fsync, rename.
// A symbolic link's target is what is replaced, the link stays; a file
// without write permission is refused; temporary files that killed saves
// left beside it are removed first. Throws std::runtime_error naming the
// file and the system error.
void writeFileAtomically(const std::string& path, const std::string& contents);

// Removes the temporary files that killed saves of `path` (or of a link's
// target) left beside it; saves do it first, and opening a project does too.
// Best effort: what cannot be removed stays.
void removeLeftoverSaves(const std::string& path) noexcept;

// Why a file could not be read: what() is "<path>: <reason>".
class FileReadError : public std::runtime_error {
public:
    FileReadError(const std::string& path, const std::string& reason);
    const std::string& reason() const { return m_reason; }

private:
    std::string m_reason;
};

// Why `path` cannot be read as a file ("is a FIFO (named pipe), not a
// file"), from its type alone; empty for a regular file. A symlink loop or a
// missing file gives the system's reason.
std::string irregularFileReason(const std::string& path);

constexpr uint64_t kNoSizeLimit = UINT64_MAX;

// Whole file as bytes. Refuses, before opening it, what is not a regular
// file (a folder; a FIFO or a device, whose reads block or never end) and a
// file over `maxBytes`; opened non-blocking and checked again once open, so
// a FIFO swapped in meanwhile cannot hang it. Throws FileReadError.
std::string readFile(const std::string& path, uint64_t maxBytes = kNoSizeLimit);

} // namespace lepton
