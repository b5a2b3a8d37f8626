#pragma once

#include <cstdint>
#include <string>

namespace lepton {

// A whole file mapped read-only (private, so no one else's write can reach
// this process through it), unmapped when the object goes. Arrays too large
// to read in are used in place this way: the kernel pages them in as batches
// touch them and drops them again under memory pressure.
class MappedFile {
public:
    // Throws std::system_error naming the file when it cannot be opened,
    // mapped or is not a regular file (a pipe or device has no fixed size).
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return m_data; }
    int64_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    const uint8_t* m_data = nullptr; // null for an empty file
    int64_t m_size = 0;
};

} // namespace lepton
