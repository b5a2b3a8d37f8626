#include "train/workerplace.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <climits>
#include <cstdlib>
#include <stdexcept>

namespace lepton {
namespace {

int integerVariable(const char* name, const char* text, int lowest, int highest)
{
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || value < lowest || value > highest)
        throw std::runtime_error(std::string(name) + "='" + text + "' is not a whole number from "
                                 + std::to_string(lowest) + " to " + std::to_string(highest));
    return static_cast<int>(value);
}

} // namespace

WorkerPlace workerPlaceFromEnvironment(const EnvironmentLookup& lookup)
{
    const auto read = [&](const char* name) -> const char* {
        const char* value = lookup ? lookup(name) : std::getenv(name);
        return value && *value ? value : nullptr;
    };
    WorkerPlace place;
    const char* worldSize = read("WORLD_SIZE");
    if (!worldSize)
        return place;
    place.worldSize = integerVariable("WORLD_SIZE", worldSize, 1, 65536);
    if (!place.distributed())
        return place;
    const auto required = [&](const char* name) {
        const char* value = read(name);
        if (!value)
            throw std::runtime_error(std::string("WORLD_SIZE is ") + worldSize + " but " + name
                                     + " is not set; a data-parallel worker needs RANK, MASTER_ADDR and"
                                       " MASTER_PORT too");
        return value;
    };
    place.rank = integerVariable("RANK", required("RANK"), 0, place.worldSize - 1);
    place.masterAddress = required("MASTER_ADDR");
    place.masterPort = integerVariable("MASTER_PORT", required("MASTER_PORT"), 1, 65535);
    const char* localRank = read("LOCAL_RANK");
    place.localRank = localRank ? integerVariable("LOCAL_RANK", localRank, 0, place.worldSize - 1) : place.rank;
    const char* localWorldSize = read("LOCAL_WORLD_SIZE");
    place.localWorldSize =
        localWorldSize ? integerVariable("LOCAL_WORLD_SIZE", localWorldSize, 1, place.worldSize) : 1;
    const char* agentStore = read("TORCHELASTIC_USE_AGENT_STORE");
    if (agentStore && std::string(agentStore) == "True") {
        const char* restarts = read("TORCHELASTIC_RESTART_COUNT");
        place.launcherStorePrefix = std::string("/worker/attempt_") + (restarts ? restarts : "0");
    }
    return place;
}

std::pair<int64_t, int64_t> workerShare(std::pair<int64_t, int64_t> batch, const WorkerPlace& place)
{
    const int64_t size = batch.second - batch.first;
    return {batch.first + size * place.rank / place.worldSize,
            batch.first + size * (place.rank + 1) / place.worldSize};
}

int freeLoopbackPort()
{
    const int socketFd = socket(AF_INET, SOCK_STREAM, 0);
    if (socketFd < 0)
        throw std::runtime_error(std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool found = bind(socketFd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && getsockname(socketFd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    const int error = errno;
    close(socketFd);
    if (!found)
        throw std::runtime_error(std::string("cannot find a free local port: ") + std::strerror(error));
    return ntohs(address.sin_port);
}

} // namespace lepton
