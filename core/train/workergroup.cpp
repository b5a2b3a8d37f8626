#include "train/workergroup.h"

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <stdexcept>

#ifdef LEPTON_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace lepton {

#ifdef LEPTON_GLOO

namespace {

using Exchange = std::function<void(torch::Tensor& flat)>;

// Runs `exchange` once per dtype and device on all of `tensors` flattened
// together: one message per step instead of one per layer.
void exchangeFlattened(const std::vector<torch::Tensor>& tensors, const Exchange& exchange)
{
    std::map<std::pair<int, std::string>, std::vector<torch::Tensor>> groups;
    for (const torch::Tensor& tensor : tensors)
        groups[{static_cast<int>(tensor.scalar_type()), tensor.device().str()}].push_back(tensor);
    torch::NoGradGuard noGrad;
    for (auto& [key, members] : groups) {
        std::vector<torch::Tensor> flat;
        for (const torch::Tensor& tensor : members)
            flat.push_back(tensor.reshape(-1));
        torch::Tensor joined = torch::cat(flat);
        exchange(joined);
        int64_t offset = 0;
        for (torch::Tensor& tensor : members) {
            tensor.copy_(joined.narrow(0, offset, tensor.numel()).view_as(tensor));
            offset += tensor.numel();
        }
    }
}

} // namespace

struct WorkerGroup::Backend {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

    void run(const c10::intrusive_ptr<c10d::Work>& work, const char* what)
    {
        try {
            work->wait();
        } catch (const std::exception& error) {
            throw std::runtime_error(std::string("the workers could not ") + what
                                     + "; another worker has probably failed or been stopped ("
                                     + error.what() + ")");
        }
    }
};

namespace {

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

} // namespace

WorkerGroup::WorkerGroup(const WorkerPlace& place)
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

        auto groupOptions = c10d::ProcessGroupGloo::Options::create();
        groupOptions->devices.push_back(glooDevice(place));
        // Long enough for the slowest worker to load its data before the first exchange.
        groupOptions->timeout = std::chrono::minutes(30);
        m_backend->group = c10::make_intrusive<c10d::ProcessGroupGloo>(
            m_backend->store, place.rank, place.worldSize, groupOptions);
    } catch (const std::exception& error) {
        throw std::runtime_error("worker " + std::to_string(place.rank) + " of " + std::to_string(place.worldSize)
                                 + " could not join the others at " + where + ": " + error.what());
    }
}

void WorkerGroup::broadcast(const std::vector<torch::Tensor>& tensors)
{
    exchangeFlattened(tensors, [this](torch::Tensor& flat) {
        std::vector<torch::Tensor> one{flat};
        m_backend->run(m_backend->group->broadcast(one), "share rank 0's tensors");
    });
}

void WorkerGroup::sum(const std::vector<torch::Tensor>& tensors)
{
    exchangeFlattened(tensors, [this](torch::Tensor& flat) {
        std::vector<torch::Tensor> one{flat};
        m_backend->run(m_backend->group->allreduce(one), "sum their gradients");
    });
}

#else

struct WorkerGroup::Backend {};

WorkerGroup::WorkerGroup(const WorkerPlace& place)
    : m_place(place)
{
    throw std::runtime_error("this build of Lepton has no distributed training: its LibTorch was built without"
                             " c10d's Gloo backend, or Gloo's headers (libgloo-dev) were missing");
}

void WorkerGroup::broadcast(const std::vector<torch::Tensor>&) {}
void WorkerGroup::sum(const std::vector<torch::Tensor>&) {}

#endif

WorkerGroup::~WorkerGroup() = default;

} // namespace lepton
