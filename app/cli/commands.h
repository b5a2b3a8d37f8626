#pragma once

#include <optional>
#include <string>

namespace lepton::cli {

struct TrainOptions {
    std::string projectPath;
    std::optional<int> epochs;         // overrides the project's setting
    std::optional<std::string> device; // "cpu", "cuda", "cuda:N"
    bool json = false;                 // summary as JSON on stdout, progress on stderr
};

struct InspectOptions {
    std::string projectPath;
};

struct LayersOptions {
    bool json = false; // one JSON array on stdout instead of the readable list
};

// Each returns the process exit code; errors propagate as exceptions and
// main() turns them into one readable line on stderr.
int runTrain(const TrainOptions& options);
int runInspect(const InspectOptions& options);
int runLayers(const LayersOptions& options);

} // namespace lepton::cli
