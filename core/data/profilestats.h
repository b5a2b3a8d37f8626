#pragma once

#include "data/dataprofile.h"

#include <cstdint>
#include <limits>
#include <string>

namespace lepton {

// Count, mean and spread of a stream of values, numerically stable
// (Welford's update, Chan's merge of partial results).
struct Moments {
    int64_t count = 0;
    double mean = 0;
    double m2 = 0; // sum of squared distances from the mean
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();

    void add(double value);
    void merge(const Moments& other);
    // Sets count, min, max, mean and the sample standard deviation (NaN
    // when there are no values).
    void store(ColumnStats& stats) const;
};

// "19.9%" of part in whole.
std::string percent(int64_t part, int64_t whole);

// class_imbalance and too_few_samples issues of the profile's histogram.
void addClassIssues(DataProfile& profile, const std::string& column);

} // namespace lepton
