#include "train/threadplan.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace lepton {
namespace {

// Training FLOPs of one step: 2 per multiply-add forward, twice that backward.
double stepFlops(int64_t macs, int64_t batchSize)
{
    return 6.0 * static_cast<double>(macs) * static_cast<double>(batchSize);
}

// Below these a step's kernels are too short to split across threads.
constexpr double kConvolutionStepFlops = 200e6;
constexpr double kMatrixStepFlops = 20e6;

} // namespace

ThreadPlan planThreads(const ModelSummary& summary, int64_t batchSize, int cores, bool oneDnnLinear)
{
    ThreadPlan plan;
    if (cores <= 1) {
        plan.reason = "one core";
        return plan;
    }
    int64_t convolutionMacs = 0, linearMacs = 0;
    for (const LayerSummary& layer : summary.layers) {
        if (layer.type.rfind("Conv", 0) == 0)
            convolutionMacs += layer.macs;
        if (layer.type == "Linear")
            linearMacs += layer.macs;
    }
    const bool convolutional = 2 * convolutionMacs >= summary.macs;
    const bool linear = oneDnnLinear && 2 * linearMacs >= summary.macs;
    if (convolutional && stepFlops(convolutionMacs, batchSize) >= kConvolutionStepFlops) {
        plan.intraOp = cores;
        plan.reason = "convolutions do most of the work";
    } else if (linear && stepFlops(linearMacs, batchSize) >= kMatrixStepFlops) {
        plan.intraOp = cores;
        plan.reason = "Linear layers do most of the work, on oneDNN";
    } else if (!convolutional && stepFlops(summary.macs - convolutionMacs, batchSize) >= kMatrixStepFlops) {
        plan.blas = cores;
        plan.reason = "matrix products do most of the work";
    } else {
        plan.reason = "steps too small to split";
    }
    return plan;
}

int availableCores()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

} // namespace lepton
