#include "data/dataset.h"

namespace lepton {

int64_t Dataset::size() const
{
    if (task == TaskType::Classification)
        return static_cast<int64_t>(labels.size());
    const int64_t perSample = shapeElementCount(targetShape);
    return perSample > 0 ? static_cast<int64_t>(targets.size()) / perSample : 0;
}

size_t Dataset::storedValues() const
{
    if (mapped)
        return (size_t(mapped->size()) - mappedOffset) / (mappedBytes ? 1 : sizeof(float));
    return storesBytes() ? featureBytes.size() : features.size();
}

} // namespace lepton
