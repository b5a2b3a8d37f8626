#include "data/sources/builtinsources.h"

namespace lepton {

DataSourceRegistry makeBuiltinDataSources()
{
    DataSourceRegistry registry;
    for (DataSourceSpec (*make)() : {syntheticSource, idxSource})
        registry.add(make());
    return registry;
}

} // namespace lepton
