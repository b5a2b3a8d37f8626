#pragma once

#include <cstdint>
#include <limits>

namespace lepton {

// Count, mean, spread and range of a stream of values, numerically stable
// over millions of pixels where a plain sum of squares would not be
// (Welford's update, Chan's merge of partial results).
struct Moments {
    int64_t count = 0;
    double mean = 0;
    double m2 = 0; // sum of squared distances from the mean
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();

    void add(double value);
    void merge(const Moments& other);
    // Standard deviation of the values themselves (divides by n).
    double populationStd() const;
    // Estimate for the population they were drawn from (divides by n - 1).
    double sampleStd() const;
};

} // namespace lepton
