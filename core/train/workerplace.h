#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace lepton {

// Where this process sits among the workers of one data-parallel run, in the
// terms torchrun, Slurm launch scripts and Kubernetes operators hand every
// worker: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT.
struct WorkerPlace {
    int rank = 0;       // 0 reports and writes checkpoints
    int worldSize = 1;  // 1: an ordinary, single-process run
    int localRank = 0;  // among the workers on this machine: picks its GPU
    int localWorldSize = 1; // workers on this machine, who share its cores
    std::string masterAddress = "127.0.0.1"; // where rank 0 listens
    int masterPort = 29500;
    // Under torchrun's static rendezvous its agent serves the store at
    // MASTER_ADDR:MASTER_PORT (TORCHELASTIC_USE_AGENT_STORE=True) and every
    // worker, rank 0 too, joins it under this key prefix; empty: rank 0 serves.
    std::string launcherStorePrefix;

    bool distributed() const { return worldSize > 1; }
};

// Reads a worker's place from environment variables through `lookup`
// (getenv by default). Without WORLD_SIZE, or with 1, the run is a single
// process. Throws std::runtime_error naming the variable when one is missing
// or holds nonsense.
using EnvironmentLookup = std::function<const char*(const char* name)>;
WorkerPlace workerPlaceFromEnvironment(const EnvironmentLookup& lookup = {});

// Sets what the exchange backends read from the environment where the user
// has not (NCCL's blocking waits). Call it before the process starts threads
// (setenv races their getenv); it is defined beside the backends, in
// workergroup.cpp.
void prepareWorkerEnvironment();

// This worker's part of one batch of the whole group: [begin, end) of the
// shuffled order split as evenly as it goes, so the parts of all workers
// together are exactly the batch one process would take.
std::pair<int64_t, int64_t> workerShare(std::pair<int64_t, int64_t> batch, const WorkerPlace& place);

// A TCP port free on the loopback interface at the moment, for rank 0 of a
// group on this machine. Throws std::runtime_error when there is none.
int freeLoopbackPort();

} // namespace lepton
