#include "data/readbuffer.h"

#include "data/dataset.h"

#include <cstdio>
#include <fstream>

#include <unistd.h>

namespace lepton {

int64_t availableMemory()
{
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    int64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit) {
        if (key == "MemAvailable:")
            return kib * 1024;
    }
    const long pages = ::sysconf(_SC_AVPHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? int64_t(pages) * pageSize : INT64_MAX;
}

std::string byteCount(int64_t bytes)
{
    static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024)
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    double value = double(bytes) / 1024.0;
    int unit = 0;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
    return text;
}

void checkAllocation(const std::string& name, const std::string& what, int64_t bytes, int64_t limit)
{
    if (bytes > limit)
        throw DataError(name + ": " + what + " needs " + byteCount(bytes) + ", more than the "
                        + byteCount(limit) + " limit; refusing");
    const int64_t available = availableMemory();
    if (bytes > available)
        throw DataError(name + ": " + what + " needs " + byteCount(bytes) + " but only "
                        + byteCount(available) + " of memory is available");
}

} // namespace lepton
