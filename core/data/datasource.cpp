#include "data/datasource.h"

#include "data/datasetspec.h"
#include "data/sources/builtinsources.h"

#include <filesystem>
#include <stdexcept>

namespace lepton {

std::string DataLoadContext::resolve(const std::string& path) const
{
    std::filesystem::path file(path);
    if (file.is_relative() && !baseDir.empty())
        file = std::filesystem::path(baseDir) / file;
    return file.lexically_normal().string();
}

const DataSourceRegistry& DataSourceRegistry::builtin()
{
    static const DataSourceRegistry registry = makeBuiltinDataSources();
    return registry;
}

void DataSourceRegistry::add(DataSourceSpec spec)
{
    if (m_index.count(spec.id))
        throw std::invalid_argument("data source '" + spec.id + "' is already registered");
    m_index[spec.id] = m_specs.size();
    m_specs.push_back(std::move(spec));
}

const DataSourceSpec* DataSourceRegistry::find(const std::string& id) const
{
    auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &m_specs[it->second];
}

std::string DataSourceRegistry::problem(const std::string& id, const nlohmann::json& params) const
{
    const DataSourceSpec* spec = find(id);
    if (!spec) {
        std::string known;
        for (const DataSourceSpec& source : m_specs)
            known += (known.empty() ? "" : ", ") + source.id;
        return "unknown data source '" + id + "' (expected " + known + ")";
    }
    return paramsProblem(spec->params, params);
}

std::optional<std::pair<std::string, nlohmann::json>>
DataSourceRegistry::detect(const std::string& path) const
{
    for (const DataSourceSpec& spec : m_specs) {
        if (!spec.detect)
            continue;
        nlohmann::json params = spec.detect(path);
        if (!params.is_null())
            return std::make_pair(spec.id, std::move(params));
    }
    return std::nullopt;
}

DataProfile profileData(const DatasetSpec& spec, const Dataset& train, const DataLoadContext& context)
{
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(spec.source);
    if (source && source->profile && spec.target == DatasetSpec::Target::Labels) {
        const DatasetProblem problem = datasetProblem(spec);
        if (!problem.empty())
            throw DataError("dataset." + problem.path + ": " + problem.problem);
        return source->profile(withDefaults(source->params, spec.params), context);
    }
    return profileDataset(train, train.unreadable);
}

std::vector<std::pair<std::string, std::string>> dataPaths(const DataSourceSpec& spec,
                                                           const nlohmann::json& params)
{
    std::vector<std::pair<std::string, std::string>> paths;
    for (const ParamSpec& param : spec.params) {
        if (param.type != ParamType::File && param.type != ParamType::Folder)
            continue;
        auto it = params.find(param.name);
        if (it != params.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
            paths.emplace_back(param.name, it->get<std::string>());
    }
    return paths;
}

} // namespace lepton
