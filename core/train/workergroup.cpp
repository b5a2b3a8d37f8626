#include "train/workergroup.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>

#if defined(LEPTON_GLOO) || defined(LEPTON_NCCL)
#define LEPTON_DISTRIBUTED
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef LEPTON_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef LEPTON_NCCL
#include <ATen/cuda/CUDAContext.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#include <torch/version.h>

#include <unistd.h>
#endif

namespace lepton {

#ifdef LEPTON_DISTRIBUTED

namespace {

using Collective = std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&)>;

// Long enough for the slowest worker to load its data before the first exchange.
constexpr std::chrono::minutes kExchangeTimeout(30);

} // namespace

struct WorkerGroup::Backend {
    c10::intrusive_ptr<c10d::Store> store;
    const char* name = "";
    Collective broadcast;
    Collective allreduce;
    // Where every exchanged tensor must be: NCCL's GPU. Gloo takes any.
    std::optional<torch::Device> exchangeDevice;

    template <typename Group>
    void use(const c10::intrusive_ptr<Group>& group)
    {
        broadcast = [group](std::vector<at::Tensor>& tensors) { return group->broadcast(tensors); };
        allreduce = [group](std::vector<at::Tensor>& tensors) { return group->allreduce(tensors); };
    }

    void run(const Collective& collective, torch::Tensor& flat, const char* what) const
    {
        std::vector<at::Tensor> one{flat};
        try {
            collective(one)->wait();
        } catch (const std::exception& error) {
            throw std::runtime_error(std::string("the workers could not ") + what
                                     + "; another worker has probably failed or been stopped ("
                                     + error.what() + ")");
        }
    }

    // Runs `collective` once per dtype and exchange device on all of
    // `tensors` flattened together: one message per step instead of one per
    // layer. For NCCL, tensors on the host (the step's figures, the epoch's
    // order) join the GPU's of their dtype.
    void exchangeFlattened(const std::vector<torch::Tensor>& tensors, const Collective& collective,
                           const char* what) const
    {
        std::map<std::pair<int, std::string>, std::vector<torch::Tensor>> groups;
        for (const torch::Tensor& tensor : tensors) {
            const torch::Device where = exchangeDevice.value_or(tensor.device());
            groups[{static_cast<int>(tensor.scalar_type()), where.str()}].push_back(tensor);
        }
        torch::NoGradGuard noGrad;
        for (auto& [key, members] : groups) {
            std::vector<torch::Tensor> flat;
            for (const torch::Tensor& tensor : members)
                flat.push_back(tensor.reshape(-1).to(exchangeDevice.value_or(tensor.device())));
            torch::Tensor joined = torch::cat(flat);
            run(collective, joined, what);
            int64_t offset = 0;
            for (torch::Tensor& tensor : members) {
                tensor.copy_(joined.narrow(0, offset, tensor.numel()).view_as(tensor));
                offset += tensor.numel();
            }
        }
    }
};

namespace {

#ifdef LEPTON_GLOO
// Gloo's own socket: the loopback device for a run on this machine, else the
// interface GLOO_SOCKET_IFNAME names, else the one this host's name resolves to.
std::shared_ptr<gloo::transport::Device> glooDevice(const WorkerPlace& place)
{
    if (place.masterAddress == "127.0.0.1" || place.masterAddress == "localhost")
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

#ifdef LEPTON_NCCL
// NCCL needs a GPU of its own for each worker; two sharing one fail only at
// the first exchange, with an error that does not say why. Each worker posts
// its GPU's UUID (the same however CUDA_VISIBLE_DEVICES numbers it) in the
// store, and every worker reads all of them, so all refuse together.
void checkOneGpuPerWorker(c10d::Store& store, const WorkerPlace& place, const torch::Device& device)
{
    const cudaUUID_t uuid = at::cuda::getDeviceProperties(device.index())->uuid;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    const std::string where = device.str() + " of " + host;
    const auto key = [](int rank) { return "lepton/gpu/" + std::to_string(rank); };
    std::vector<uint8_t> posted(reinterpret_cast<const uint8_t*>(uuid.bytes),
                                reinterpret_cast<const uint8_t*>(uuid.bytes) + sizeof uuid.bytes);
    posted.insert(posted.end(), where.begin(), where.end()); // for the message
    store.set(key(place.rank), posted);
    std::map<std::vector<uint8_t>, int> firstOn; // a GPU's UUID -> the first rank on it
    for (int rank = 0; rank < place.worldSize; ++rank) {
        const std::vector<uint8_t> theirs = store.get(key(rank));
        const std::vector<uint8_t> gpu(theirs.begin(), theirs.begin() + std::min(theirs.size(), sizeof uuid.bytes));
        const auto [first, isNew] = firstOn.emplace(gpu, rank);
        if (!isNew)
            throw std::runtime_error("workers " + std::to_string(first->second) + " and " + std::to_string(rank)
                                     + " would both train on the GPU "
                                     + std::string(theirs.begin() + long(gpu.size()), theirs.end())
                                     + ", and NCCL needs a GPU for each: give each worker on a machine its own"
                                       " LOCAL_RANK and the device \"cuda\", and it takes the GPU of that number");
    }
}
#endif

} // namespace

WorkerGroup::WorkerGroup(const WorkerPlace& place, const torch::Device& device)
    : m_place(place), m_backend(std::make_unique<Backend>())
{
    const std::chrono::minutes joinTimeout(5);
    const std::string where = place.masterAddress + ":" + std::to_string(place.masterPort);
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(place.masterPort);
        options.isServer = place.rank == 0 && place.launcherStorePrefix.empty();
        options.numWorkers = place.worldSize;
        options.waitWorkers = false; // the group's own rendezvous waits for them below
        options.timeout = joinTimeout;
        m_backend->store = c10::make_intrusive<c10d::TCPStore>(place.masterAddress, options);
        if (!place.launcherStorePrefix.empty())
            m_backend->store = c10::make_intrusive<c10d::PrefixStore>(place.launcherStorePrefix, m_backend->store);

#ifdef LEPTON_NCCL
        if (device.is_cuda()) { // GPU to GPU, without the host in between
            checkOneGpuPerWorker(*m_backend->store, place, device);
            auto groupOptions = c10d::ProcessGroupNCCL::Options::create();
            groupOptions->timeout = kExchangeTimeout;
            m_backend->use(c10::make_intrusive<c10d::ProcessGroupNCCL>(
                m_backend->store, place.rank, place.worldSize, groupOptions));
            m_backend->name = "NCCL";
            m_backend->exchangeDevice = device;
            return;
        }
#endif
#ifdef LEPTON_GLOO
        auto groupOptions = c10d::ProcessGroupGloo::Options::create();
        groupOptions->devices.push_back(glooDevice(place));
        groupOptions->timeout = kExchangeTimeout;
        m_backend->use(c10::make_intrusive<c10d::ProcessGroupGloo>(
            m_backend->store, place.rank, place.worldSize, groupOptions));
        m_backend->name = "Gloo";
#else
        throw std::runtime_error("this build has NCCL for GPUs but not Gloo, which workers on the " + device.str()
                                 + " need (Gloo's headers, libgloo-dev, were missing)");
#endif
    } catch (const std::exception& error) {
        throw std::runtime_error("worker " + std::to_string(place.rank) + " of " + std::to_string(place.worldSize)
                                 + ", meeting the others at " + where + ": " + error.what());
    }
}

const char* WorkerGroup::backendName() const
{
    return m_backend->name;
}

void prepareWorkerEnvironment()
{
#ifdef LEPTON_NCCL
    // Without blocking waits, a wait only makes the GPU's stream follow
    // NCCL's, and a worker that failed or hangs is left to NCCL's watchdog,
    // which ends the whole process; with them, the wait throws on an error or
    // at the timeout, and the run ends with a message. Left as the user set it.
    if (!std::getenv("TORCH_NCCL_BLOCKING_WAIT") && !std::getenv("NCCL_BLOCKING_WAIT"))
        setenv(TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 2)
                   ? "TORCH_NCCL_BLOCKING_WAIT" // its name since PyTorch 2.2
                   : "NCCL_BLOCKING_WAIT",
               "1", 0);
#endif
}

void WorkerGroup::broadcast(const std::vector<torch::Tensor>& tensors)
{
    m_backend->exchangeFlattened(tensors, m_backend->broadcast, "share rank 0's tensors");
}

void WorkerGroup::sum(const std::vector<torch::Tensor>& tensors)
{
    m_backend->exchangeFlattened(tensors, m_backend->allreduce, "sum their gradients");
}

#else

struct WorkerGroup::Backend {};

WorkerGroup::WorkerGroup(const WorkerPlace& place, const torch::Device&)
    : m_place(place)
{
    throw std::runtime_error("this build of Lepton has no distributed training: it found neither Gloo's headers"
                             " (libgloo-dev) beside a LibTorch with c10d's Gloo, nor NCCL's (nccl.h) beside a CUDA"
                             " LibTorch");
}

const char* WorkerGroup::backendName() const { return ""; }
void prepareWorkerEnvironment() {}
void WorkerGroup::broadcast(const std::vector<torch::Tensor>&) {}
void WorkerGroup::sum(const std::vector<torch::Tensor>&) {}

#endif

WorkerGroup::~WorkerGroup() = default;

} // namespace lepton
