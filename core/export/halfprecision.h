#pragma once

#include "export/trainedmodel.h"

#include <optional>
#include <string>

namespace lepton {

// What storing the weights in float16 changed, measured on held-out data.
struct HalfPrecisionChange {
    std::string set;  // "validation", "test" or "training": what it was measured on
    int64_t samples = 0;
    double lossBefore = 0.0, lossAfter = 0.0;
    std::optional<double> accuracyBefore, accuracyAfter; // classification only

    // "validation accuracy 91.20% -> 91.18% (-0.02 points), loss 0.2512 -> 0.2513 on 2000 samples"
    std::string describe() const;
};

// Rounds every floating-point weight and buffer of the model to float16 and
// back, in place, so that it computes as a half-precision export will, and
// measures the change on the run's validation samples (else its test or
// training ones). Throws DataError when the data cannot be read.
HalfPrecisionChange roundToHalfPrecision(TrainedModel& model);

} // namespace lepton
