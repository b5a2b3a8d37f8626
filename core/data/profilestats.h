#pragma once

#include "data/dataprofile.h"
#include "data/moments.h"

#include <cstdint>
#include <string>

namespace lepton {

// The moments as a column's count, min, max, mean and sample standard
// deviation (NaN when there are no values).
void storeMoments(const Moments& moments, ColumnStats& stats);

// "19.9%" of part in whole.
std::string percent(int64_t part, int64_t whole);

// class_imbalance and too_few_samples issues of the profile's histogram.
void addClassIssues(DataProfile& profile, const std::string& column);

} // namespace lepton
