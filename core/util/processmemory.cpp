#include "util/processmemory.h"

#include <fstream>

#include <unistd.h>

namespace lepton {

double residentMemoryBytes()
{
    std::ifstream statm("/proc/self/statm");
    double pages = 0.0, resident = 0.0;
    if (!(statm >> pages >> resident))
        return 0.0;
    return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

} // namespace lepton
