#include "data/featurescaling.h"

#include "data/moments.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace lepton {

namespace {

// A lazy dataset's statistics come from this many training samples, evenly
// spaced: decoding all of them would cost a whole epoch before the first.
constexpr size_t kLazyFitSamples = 2000;

} // namespace

nlohmann::ordered_json FeatureScaling::toJson() const
{
    const char* name = kind == Normalization::Standardize ? "standardize"
        : kind == Normalization::MinMax                   ? "minmax"
                                                          : "none";
    nlohmann::ordered_json json = {{"normalize", name}};
    if (!identity()) {
        json["shape"] = shape;
        json["offset"] = offset;
        json["scale"] = scale;
    }
    return json;
}

FeatureScaling fitScaling(const Dataset& data, const std::vector<int64_t>& train, Normalization kind)
{
    FeatureScaling scaling;
    scaling.kind = kind;
    const int64_t perSample = data.featuresPerSample();
    if (kind == Normalization::None || data.featureDType != DType::Float32 || train.empty()
        || perSample == 0)
        return scaling;

    if (data.isLazy()) {
        const Dataset subset = inMemorySubset(data, evenlySpaced(train, kLazyFitSamples));
        std::vector<int64_t> all(size_t(subset.size()));
        std::iota(all.begin(), all.end(), int64_t(0));
        return fitScaling(subset, all, kind);
    }

    // Images and other multi-dimensional samples are scaled per channel (the
    // first dimension); vectors per feature.
    const bool perChannel = data.featureShape.size() >= 2;
    const int64_t groups = perChannel ? data.featureShape[0] : perSample;
    const int64_t groupSize = perSample / groups;
    std::vector<Moments> moments(static_cast<size_t>(groups));
    // Samples in the order given: the sums come out the same to the last bit
    // as over a copy of the training part.
    const auto add = [&](const auto* values, float factor) {
        for (const int64_t sample : train) {
            const auto* row = values + sample * perSample;
            for (int64_t i = 0; i < perSample; ++i) {
                const float value = float(row[i]) * factor;
                if (std::isfinite(value))
                    moments[static_cast<size_t>(i / groupSize)].add(value);
            }
        }
    };
    if (data.storesBytes())
        add(data.byteData(), 1.0f / 255.0f);
    else
        add(data.floatData(), 1.0f);

    scaling.shape = {groups};
    if (perChannel)
        scaling.shape.resize(data.featureShape.size(), 1);
    for (const Moments& group : moments) {
        const bool standardize = kind == Normalization::Standardize;
        const double offset = group.count == 0 ? 0.0 : standardize ? group.mean : group.min;
        const double spread = group.count == 0 ? 0.0 : standardize ? group.populationStd() : group.max - group.min;
        scaling.offset.push_back(float(offset));
        // A constant group keeps its scale rather than dividing by zero.
        scaling.scale.push_back(spread > 1e-12 ? float(1.0 / spread) : 1.0f);
    }
    return scaling;
}

} // namespace lepton
