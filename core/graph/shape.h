#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Per-sample tensor shape: the batch dimension is never included.
using Shape = std::vector<int64_t>;

// "[1, 28, 28]"
std::string shapeToString(const Shape& shape);

// Product of all dimensions (1 for an empty shape).
int64_t shapeElementCount(const Shape& shape);

} // namespace lepton
