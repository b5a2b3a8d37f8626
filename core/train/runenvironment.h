#pragma once

#include "train/threadplan.h"
#include "train/workerplace.h"

#include <torch/torch.h>

#include <string>

namespace lepton {

// How a run sets up the process and picks its device, before any batch.

// Gives LibTorch's intra-op pool and OpenBLAS the plan's threads, and has
// them all flush denormal floats to zero.
void applyThreadPlan(const ThreadPlan& plan);
// The most threads a CPU step on this thread keeps busy at once: the
// intra-op pool's or OpenBLAS's, whichever has more.
int stepThreads();
// Keeps the training step's freed buffers in the heap rather than handing
// them back to the kernel after every batch; once per process.
void keepFreedMemory();
// The device a setting names; throws naming the device when there is no
// such device here.
torch::Device toTorchDevice(const std::string& name, const WorkerPlace& place);

} // namespace lepton
