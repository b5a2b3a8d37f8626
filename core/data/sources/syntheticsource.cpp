#include "data/sources/builtinsources.h"
#include "data/synthetic.h"

namespace lepton {

namespace {

constexpr double kMaxSamples = 10'000'000;

// Test samples come from the same generator with an unrelated stream
// (one SplitMix64 step), so they never repeat training samples.
uint64_t testSeed(uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

Dataset generate(const nlohmann::json& params, int64_t samples, uint64_t seed)
{
    const std::string generator = stringParam(params, "generator");
    const int64_t classes = intParam(params, "classes");
    const double noise = params.at("noise").get<double>();
    if (generator == "spiral")
        return makeSpiral(samples, classes, noise, seed);
    if (generator == "moons")
        return makeTwoMoons(samples, noise, seed);
    if (generator == "circles")
        return makeCircles(samples, noise, seed);
    if (generator == "xor")
        return makeXor(samples, noise, seed);
    if (generator == "blobs")
        return makeBlobs(samples, classes, noise, seed);
    return makeSine(samples, noise, seed);
}

DatasetSplits load(const nlohmann::json& params, const DataLoadContext&)
{
    const uint64_t seed = static_cast<uint64_t>(intParam(params, "seed"));
    DatasetSplits splits;
    splits.train = generate(params, intParam(params, "samples"), seed);
    if (const int64_t testSamples = intParam(params, "test_samples"); testSamples > 0)
        splits.test = generate(params, testSamples, testSeed(seed));
    return splits;
}

} // namespace

DataSourceSpec syntheticSource()
{
    DataSourceSpec spec;
    spec.id = "synthetic";
    spec.displayName = "Synthetic";
    spec.description = "Generated toy data: 2-D classification shapes or a 1-D sine to fit";
    spec.params = {
        {"generator", ParamType::Choice, "spiral", {}, {},
         {"spiral", "moons", "circles", "xor", "blobs", "sine"},
         "Shape of the data: spiral arms, two moons, concentric circles, XOR quadrants and"
         " Gaussian blobs are 2-D classification; sine is 1-D regression"},
        {"samples", ParamType::Int, 1500, 1, kMaxSamples, {}, "Number of samples to generate"},
        {"test_samples", ParamType::Int, 0, 0, kMaxSamples, {},
         "Extra samples drawn with another seed as a separate test set (0: none)"},
        {"classes", ParamType::Int, 3, 2, 1000, {}, "Number of classes (spiral arms, blobs)"},
        {"noise", ParamType::Float, 0.1, 0.0, 10.0, {}, "Standard deviation of the jitter added to each point"},
        {"seed", ParamType::Int, 1, 0, kParamIntLimit, {}, "Seed of the generator: the same seed gives the same data"},
    };
    spec.load = load;
    return spec;
}

} // namespace lepton
