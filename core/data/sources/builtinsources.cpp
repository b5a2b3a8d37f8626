#include "data/sources/builtinsources.h"

namespace lepton {

DataSourceRegistry makeBuiltinDataSources()
{
    DataSourceRegistry registry;
    // Text before CSV: a table with a free-text column reads as text.
    for (DataSourceSpec (*make)() : {syntheticSource, textSource, csvSource, imagesSource, idxSource, npySource})
        registry.add(make());
    return registry;
}

} // namespace lepton
