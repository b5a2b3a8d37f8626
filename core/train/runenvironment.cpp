#include "train/runenvironment.h"

#include "train/computedevices.h"
#include "train/flushdenormals.h"
#include "train/trainingconfig.h"

#include <dlfcn.h>

#include <algorithm>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <stdexcept>

namespace lepton {

// Applied on the training thread: OpenMP keeps a count per thread, and
// ATen hands its own to threads that start later (the batch prefetcher).
// OpenBLAS would otherwise keep its default of a busy-waiting thread per core
// beside the intra-op pool (another BLAS simply lacks the symbol).
void applyThreadPlan(const ThreadPlan& plan)
{
    at::set_num_threads(plan.intraOp);
    flushDenormals();
    using SetThreads = void (*)(int);
    if (auto setThreads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        setThreads(plan.blas);
}

int stepThreads()
{
    using GetThreads = int (*)();
    const auto blasThreads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return std::max(at::get_num_threads(), blasThreads ? blasThreads() : 1);
}

// glibc hands the training step's freed buffers back to the kernel after
// every batch (MADV_DONTNEED at the top of the worker thread's arena) and the
// next batch faults them in again: on the 2-core build machine, Fashion-MNIST
// CNN at batch 32 spent 12 s of 50 in the kernel on 6 M page faults, at 1,100
// samples/s; kept, 1 s and 1,550 samples/s. Setting either threshold turns
// off glibc's adaptive ones, so both are set (32 MiB is the largest mmap
// threshold glibc takes). Each malloc arena then keeps up to 256 MiB of
// freed heap, and the whole process (the GUI too) allocates this way. The
// top pad keeps a thread's arena from unmapping a heap as soon as it is
// empty: which arena the training thread gets depends on the threads before
// it, and in one that did, the batch-128 CNN took 7.3 M page faults and 15 s
// in the kernel (1,930 samples/s against 2,540).
void keepFreedMemory()
{
#ifdef __GLIBC__
    static const bool once = [] {
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
        mallopt(M_TOP_PAD, 64 * 1024 * 1024);
        return true;
    }();
    (void)once;
#endif
}

// A worker of a data-parallel group told "cuda" takes the GPU of its local rank.
torch::Device toTorchDevice(const std::string& name, const WorkerPlace& place)
{
    std::optional<DeviceName> device = parseDeviceName(name);
    const bool byLocalRank = place.distributed() && name == "cuda";
    if (byLocalRank)
        device->index = place.localRank;
    const std::string problem = deviceProblem(byLocalRank ? "cuda:" + std::to_string(place.localRank) : name);
    if (!problem.empty())
        throw std::runtime_error(problem);
    if (!device->cuda)
        return torch::kCPU;
    return {torch::kCUDA, static_cast<torch::DeviceIndex>(device->index)};
}

} // namespace lepton
