#pragma once

#include "data/dataprofile.h"
#include "data/dataset.h"
#include "util/paramspec.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lepton {

// What a loader needs besides its params.
struct DataLoadContext {
    std::string baseDir;                    // relative paths resolve against it
    const std::atomic<bool>* stop = nullptr; // loaders return early once it is set

    // `path` made absolute against baseDir, lexically normal.
    std::string resolve(const std::string& path) const;
    bool stopRequested() const { return stop && stop->load(std::memory_order_relaxed); }
};

// One kind of data source (CSV table, image folder, ...): its parameter
// schema (shared by the project file, the Data panel and `lepton data`), its
// loader and how it recognizes a path it can read.
struct DataSourceSpec {
    std::string id;          // stored in project files: "csv"
    std::string displayName; // "CSV / TSV table"
    std::string description; // one line for tooltips
    std::vector<ParamSpec> params;
    // Reads the data; params are valid with every default filled in. Throws
    // DataError naming the file and the row, offset or entry at fault.
    DatasetSplits (*load)(const nlohmann::json& params, const DataLoadContext& context) = nullptr;
    // Params that read `path` (a file or folder) with this source, or null
    // when this source does not read such a path.
    nlohmann::json (*detect)(const std::string& path) = nullptr;
    // What is in the data before it is encoded (a table's own columns), for
    // sources that know more than the loaded features show; null otherwise.
    DataProfile (*profile)(const nlohmann::json& params, const DataLoadContext& context) = nullptr;
};

class DataSourceRegistry {
public:
    // The built-in sources; constructed once, never modified afterwards.
    static const DataSourceRegistry& builtin();

    void add(DataSourceSpec spec);
    const DataSourceSpec* find(const std::string& id) const;
    const std::vector<DataSourceSpec>& specs() const { return m_specs; }

    // Empty when `id` is known and `params` suit its schema; else the
    // problem, naming the parameter.
    std::string problem(const std::string& id, const nlohmann::json& params) const;
    // The first source that reads `path`, with its params; nullopt if none.
    std::optional<std::pair<std::string, nlohmann::json>> detect(const std::string& path) const;

private:
    std::vector<DataSourceSpec> m_specs;
    std::map<std::string, size_t> m_index;
};

// What is in the data a spec names, given its loaded training data: the
// source's own profile where it has one (a table's columns before they
// were encoded), else the loaded data's. Throws DataError.
struct DatasetSpec;
DataProfile profileData(const DatasetSpec& spec, const Dataset& train, const DataLoadContext& context);

// The File and Folder params of `params` that name a path, by param name.
std::vector<std::pair<std::string, std::string>> dataPaths(const DataSourceSpec& spec,
                                                           const nlohmann::json& params);

} // namespace lepton
