#pragma once

#include <cstdint>
#include <string>
#include <vector>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace lepton {

// The most a reader inflates from a compressed stream on the word of a
// header alone (NPZ members, gzipped IDX): far above any dataset that fits
// a workstation, far below what a forged header can ask for.
constexpr int64_t kDefaultInflateLimit = int64_t(4) << 30;

// Memory the system can still give (MemAvailable on Linux); the int64
// maximum when unknown.
int64_t availableMemory();

// "812 bytes", "3.1 MiB", "4.0 GiB".
std::string byteCount(int64_t bytes);

// Throws DataError("<name>: <what> needs <size>, ...") when `bytes` exceeds
// `limit` or the memory still available; called before allocating.
void checkAllocation(const std::string& name, const std::string& what, int64_t bytes,
                     int64_t limit = INT64_MAX);

// Reserves room for a buffer of tens or hundreds of megabytes. Faulting
// that in 4 KiB pages took about half as long as decompressing
// Fashion-MNIST itself, so on Linux the buffer asks for transparent huge
// pages before it is first touched.
template <typename T>
void reserveLarge(std::vector<T>& buffer, size_t size)
{
    buffer.reserve(size);
#ifdef MADV_HUGEPAGE
    constexpr uintptr_t kPage = 4096;
    const auto begin = (reinterpret_cast<uintptr_t>(buffer.data()) + kPage - 1) & ~(kPage - 1);
    const auto end = reinterpret_cast<uintptr_t>(buffer.data() + buffer.capacity()) & ~(kPage - 1);
    if (end > begin)
        ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE); // only a hint
#endif
}

template <typename T>
void resizeLarge(std::vector<T>& buffer, size_t size)
{
    reserveLarge(buffer, size);
    buffer.resize(size);
}

} // namespace lepton
