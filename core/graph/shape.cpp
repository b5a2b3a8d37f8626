#include "graph/shape.h"

namespace lepton {

std::string shapeToString(const Shape& shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    return text + "]";
}

int64_t shapeElementCount(const Shape& shape)
{
    int64_t count = 1;
    for (int64_t dim : shape)
        count *= dim;
    return count;
}

} // namespace lepton
