#include "data/sources/builtinsources.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace lepton {

std::string lowerExtension(const std::string& path)
{
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension;
}

DataSourceRegistry makeBuiltinDataSources()
{
    DataSourceRegistry registry;
    // Text before CSV: a table with a free-text column reads as text.
    for (DataSourceSpec (*make)() : {syntheticSource, textSource, csvSource, imagesSource, idxSource, npySource})
        registry.add(make());
    return registry;
}

} // namespace lepton
