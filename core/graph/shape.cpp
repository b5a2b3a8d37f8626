#include "graph/shape.h"

#include <limits>

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

std::string dtypeName(DType dtype)
{
    return dtype == DType::Int64 ? "int64" : "float32";
}

std::string tensorTypeToString(const TensorType& type)
{
    std::string text = shapeToString(type.shape);
    return type.dtype == DType::Float32 ? text : text + " " + dtypeName(type.dtype);
}

int64_t shapeElementCount(const Shape& shape)
{
    int64_t count = 1;
    for (int64_t dim : shape) {
        if (__builtin_mul_overflow(count, dim, &count))
            return std::numeric_limits<int64_t>::max();
    }
    return count;
}

} // namespace lepton
