#pragma once

#include "project/project.h"

#include <atomic>
#include <string>
#include <vector>

namespace lepton {

// What a run checks before its first batch, found without training: the
// settings, the device, the data loaded and split as a run loads it, and how
// it fits the Input and Output layers. `lepton inspect` reports it, so a
// project's mistakes show before anyone presses Train. Torch-free header.
struct PreflightReport {
    std::vector<std::string> problems;
    // "2400 training samples, 600 for validation, 3 classes" once the data loaded.
    std::string dataSummary;
};

// `baseDir` resolves relative data paths; a set `stop` abandons the data load.
PreflightReport preflightProject(const Project& project, const std::string& baseDir,
                                 const std::atomic<bool>* stop = nullptr);

} // namespace lepton
