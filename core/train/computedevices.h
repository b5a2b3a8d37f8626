#pragma once

#include <string>
#include <vector>

namespace lepton {

// A device a run can train on. The header is free of LibTorch, for the
// front ends' device lists.
struct ComputeDevice {
    std::string name;        // what the device setting takes: "cpu", "cuda:0"
    std::string description; // "2 cores, 23.4 GiB", "NVIDIA H100 80GB HBM3, 79.1 GiB"
};

// The CPU, then every CUDA GPU this build of LibTorch can use, each with its
// memory.
std::vector<ComputeDevice> computeDevices();
// Empty when `name` ("cpu", "cuda", "cuda:1") is one of `devices`, otherwise
// why not: "device 'cuda:999' does not exist: found 1 CUDA GPU(s)".
std::string deviceProblem(const std::string& name, const std::vector<ComputeDevice>& devices);
// The same against this machine's devices.
std::string deviceProblem(const std::string& name);
// Bytes of memory on CUDA GPU `index`; 0 in a build without CUDA.
double gpuMemoryBytes(int index);
// Bytes of that memory in use now, by every process; 0 without CUDA.
double gpuMemoryInUseBytes(int index);

} // namespace lepton
