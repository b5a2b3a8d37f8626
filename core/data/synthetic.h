#pragma once

#include "data/dataset.h"

#include <cstdint>

namespace lepton {

// Interleaved spiral arms in 2-D, one class per arm.
Dataset makeSpiral(int64_t samples, int64_t classes, double noise, uint64_t seed);
// Two interleaving half circles in 2-D, two classes.
Dataset makeTwoMoons(int64_t samples, double noise, uint64_t seed);
// y = sin(x) + noise for x in [-pi, pi]; 1-D regression.
Dataset makeSine(int64_t samples, double noise, uint64_t seed);

} // namespace lepton
