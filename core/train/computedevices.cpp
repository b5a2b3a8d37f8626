#include "train/computedevices.h"

#include "train/threadplan.h"
#include "train/trainingconfig.h"

#include <torch/torch.h>
#ifdef LEPTON_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAGuard.h>
#endif

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace lepton {
namespace {

std::string gibibytes(double bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
    return text;
}

std::string cudaDescription(int index)
{
#ifdef LEPTON_CUDA
    return std::string(at::cuda::getDeviceProperties(index)->name) + ", " + gibibytes(gpuMemoryBytes(index));
#else
    (void)index;
    return "CUDA GPU";
#endif
}

} // namespace

double gpuMemoryBytes(int index)
{
#ifdef LEPTON_CUDA
    return static_cast<double>(at::cuda::getDeviceProperties(index)->totalGlobalMem);
#else
    (void)index;
    return 0.0;
#endif
}

double gpuMemoryInUseBytes(int index)
{
#ifdef LEPTON_CUDA
    const c10::cuda::CUDAGuard onDevice(static_cast<c10::DeviceIndex>(index));
    size_t free = 0, total = 0;
    if (cudaMemGetInfo(&free, &total) != cudaSuccess)
        return 0.0;
    return static_cast<double>(total - free);
#else
    (void)index;
    return 0.0;
#endif
}

std::vector<ComputeDevice> computeDevices()
{
    const double memory = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
    std::vector<ComputeDevice> devices{
        {"cpu", std::to_string(availableCores()) + " cores, " + gibibytes(memory)}};
    const int gpus = static_cast<int>(torch::cuda::device_count());
    for (int index = 0; index < gpus; ++index)
        devices.push_back({"cuda:" + std::to_string(index), cudaDescription(index)});
    return devices;
}

std::string deviceProblem(const std::string& name, const std::vector<ComputeDevice>& devices)
{
    const std::optional<DeviceName> device = parseDeviceName(name);
    if (!device)
        return "unknown device '" + name + "'; use cpu, cuda or cuda:N";
    const std::string canonical = device->cuda ? "cuda:" + std::to_string(device->index) : "cpu";
    const auto found = std::find_if(devices.begin(), devices.end(),
                                    [&](const ComputeDevice& d) { return d.name == canonical; });
    if (found != devices.end())
        return {};
    const size_t gpus = devices.empty() ? 0 : devices.size() - 1; // the CPU comes first
    if (gpus == 0)
        return "device '" + name + "' is not available: no CUDA GPU found"
               " (or this LibTorch build has no CUDA support); use cpu";
    return "device '" + name + "' does not exist: found " + std::to_string(gpus) + " CUDA GPU(s)";
}

std::string deviceProblem(const std::string& name)
{
    return deviceProblem(name, computeDevices());
}

} // namespace lepton
