#include "commands.h"

#include "train/computedevices.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace lepton::cli {

int runDevices(bool json)
{
    const std::vector<ComputeDevice> devices = computeDevices();
    if (json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const ComputeDevice& device : devices)
            list.push_back({{"name", device.name}, {"description", device.description}});
        std::cout << list.dump(2) << '\n';
        return 0;
    }
    for (const ComputeDevice& device : devices)
        std::cout << std::left << std::setw(9) << device.name << device.description << '\n';
    if (devices.size() == 1)
        std::cout << "no CUDA GPU: none found, or this LibTorch was built without CUDA\n";
    return 0;
}

} // namespace lepton::cli
