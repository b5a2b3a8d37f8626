#pragma once

#include "data/datasetspec.h"
#include "graph/block.h"
#include "graph/graph.h"
#include "train/trainingconfig.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace lepton {

class JsonReader;
class LayerRegistry;

// 2: the dataset names a data source with its params, split, preprocessing
// and augmentation; schema 1 files are migrated when read.
constexpr int kProjectSchemaVersion = 2;

// Everything a .lepton file holds.
struct Project {
    std::string name;
    Graph graph;
    // Reusable blocks and the groups stamped from them (or made ad hoc). The
    // engine reads only `graph`, which holds every node of every instance.
    std::vector<BlockDefinition> blocks;
    std::vector<NodeGroup> groups;
    DatasetSpec dataset;
    TrainingConfig training;
    nlohmann::json ui = nlohmann::json::object(); // view state, kept verbatim
};

// A project file that cannot be used. what() reads
// "<file>: <json.path>: <problem>", e.g.
// "net.lepton: graph.nodes[2].type: unknown layer type 'Linaer'".
class ProjectError : public std::runtime_error {
public:
    ProjectError(const std::string& file, const std::string& jsonPath, const std::string& problem);
    const std::string& file() const { return m_file; }
    const std::string& jsonPath() const { return m_jsonPath; }
    const std::string& problem() const { return m_problem; }

private:
    std::string m_file;
    std::string m_jsonPath;
    std::string m_problem;
};

// Throws ProjectError (file left empty) naming the JSON path of the problem.
// Graph problems that a user can fix in the editor (shape mismatches,
// unconnected ports) are not errors here; unknown layer types, bad params,
// edges to missing nodes or ports, and cycles are.
Project projectFromJson(const nlohmann::json& json, const LayerRegistry& registry);
// Stable key order, so saved files diff cleanly.
nlohmann::ordered_json projectToJson(const Project& project);
// The project file's "dataset" object, and back: throws ProjectError naming
// the JSON path of a value at fault.
nlohmann::ordered_json datasetToJson(const DatasetSpec& spec);
DatasetSpec datasetFromJson(const nlohmann::json& json);

// Throws ProjectError at `version` unless this build reads that schema
// version; every file format Lepton writes carries one.
void checkSchemaVersion(const JsonReader& version);

// Reads and validates a file; throws ProjectError with the file name set
// (syntax errors report line and column).
Project loadProject(const std::string& path, const LayerRegistry& registry);
// Atomic: writes a temporary file beside the target, flushes it, renames it
// over the target. Throws std::runtime_error naming the file on failure.
void saveProject(const Project& project, const std::string& path);

} // namespace lepton
