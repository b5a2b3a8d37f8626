#pragma once

#include "model/graphmodule.h"
#include "train/trainingevent.h"
#include "train/workergroup.h"

#include <cstdint>

namespace lepton {

// What the workers of a data-parallel run exchange during training.

// One batch's figures, over this worker's share or, once combined, the group's.
struct BatchTotals {
    double lossSum = 0.0; // the batch's mean loss times its samples
    int64_t correct = 0;
    int64_t samples = 0;
    bool stop = false;    // some worker was asked to stop
};

// Sums a batch over the group. Each worker's gradients are weighted by its
// share of the batch first, so the sum is the gradient of the whole batch's
// mean loss, as one process would compute it on the same samples.
BatchTotals combineOverWorkers(WorkerGroup& group, GraphModule& model, const BatchTotals& local,
                               int64_t batchSamples);

// Every worker takes rank 0's validation figures, which the schedule, the
// best epoch and early stopping then judge alike everywhere.
void shareRankZeroScore(WorkerGroup& group, EpochMetrics& metrics);

} // namespace lepton
