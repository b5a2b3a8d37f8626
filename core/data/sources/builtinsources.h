#pragma once

#include "data/datasource.h"

namespace lepton {

// One function per source family, each in its own file beside this one.
DataSourceSpec syntheticSource();
DataSourceSpec idxSource();
DataSourceSpec npySource();
DataSourceSpec csvSource();
DataSourceSpec textSource();
DataSourceSpec imagesSource();

// Every built-in source, in the order the Data panel lists them (and the
// order they are asked whether they read a path).
DataSourceRegistry makeBuiltinDataSources();

// Helpers the sources share: a param read with its default already filled in.
inline std::string stringParam(const nlohmann::json& params, const char* name)
{
    return params.at(name).get<std::string>();
}
inline int64_t intParam(const nlohmann::json& params, const char* name)
{
    return params.at(name).get<int64_t>();
}
// ".csv" for "Data.CSV": how sources recognize their files.
std::string lowerExtension(const std::string& path);

} // namespace lepton
