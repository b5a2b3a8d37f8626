#pragma once

#include "data/dataset.h"

#include <cstdint>

namespace lepton {

// Interleaved spiral arms in 2-D, one class per arm.
Dataset makeSpiral(int64_t samples, int64_t classes, double noise, uint64_t seed);
// Two interleaving half circles in 2-D, two classes.
Dataset makeTwoMoons(int64_t samples, double noise, uint64_t seed);
// Two concentric circles in 2-D; class 1 is the inner one.
Dataset makeCircles(int64_t samples, double noise, uint64_t seed);
// Points in [-1, 1]^2 labelled by whether x and y have opposite signs.
Dataset makeXor(int64_t samples, double noise, uint64_t seed);
// Gaussian blobs (spread `noise`) centred evenly on a circle, one per class.
Dataset makeBlobs(int64_t samples, int64_t classes, double noise, uint64_t seed);
// y = sin(x) + noise for x in [-pi, pi]; 1-D regression.
Dataset makeSine(int64_t samples, double noise, uint64_t seed);

} // namespace lepton
