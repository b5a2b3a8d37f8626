#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Per-sample tensor shape: the batch dimension is never included.
using Shape = std::vector<int64_t>;

// Element type of a tensor flowing along a wire. Most layers compute on
// floats; token ids (Embedding's input) are whole numbers.
enum class DType { Float32, Int64 };

// What flows along one wire: per-sample shape and element type.
struct TensorType {
    Shape shape;
    DType dtype = DType::Float32;

    TensorType() = default;
    TensorType(Shape shape, DType dtype = DType::Float32) // NOLINT: a shape is a float tensor
        : shape(std::move(shape))
        , dtype(dtype)
    {
    }

    bool operator==(const TensorType& other) const
    {
        return shape == other.shape && dtype == other.dtype;
    }
    bool operator!=(const TensorType& other) const { return !(*this == other); }
};

// "[1, 28, 28]"
std::string shapeToString(const Shape& shape);

// "float32", "int64": the names project files and `lepton layers` use.
std::string dtypeName(DType dtype);

// "[1, 28, 28]" for floats, "[32] int64" otherwise.
std::string tensorTypeToString(const TensorType& type);

// Product of all dimensions (1 for an empty shape), saturating at the int64
// maximum instead of overflowing.
int64_t shapeElementCount(const Shape& shape);

} // namespace lepton
