#include "data/synthetic.h"

#include <cmath>
#include <random>
#include <string>

namespace lepton {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Keeps a typo in a sample count from exhausting memory.
constexpr int64_t kMaxSamples = 10'000'000;

void checkCommon(const char* generator, int64_t samples, double noise)
{
    const std::string prefix = std::string(generator) + " data: ";
    if (samples < 1 || samples > kMaxSamples)
        throw DataError(prefix + "samples must be between 1 and " + std::to_string(kMaxSamples)
                        + ", got " + std::to_string(samples));
    if (!(noise >= 0.0) || !std::isfinite(noise))
        throw DataError(prefix + "noise must be 0 or more, got " + std::to_string(noise));
}

// An empty set of 2-D points. The generators label sample i with class
// i % classes: balanced and interleaved, so any contiguous slice (such as a
// validation split) sees every class.
Dataset makePlanar(const char* name, int64_t samples, int64_t classes)
{
    Dataset dataset;
    dataset.name = name;
    dataset.task = TaskType::Classification;
    dataset.featureShape = {2};
    dataset.features.reserve(static_cast<size_t>(samples) * 2);
    dataset.labels.reserve(static_cast<size_t>(samples));
    dataset.numClasses = classes;
    return dataset;
}

} // namespace

Dataset makeSpiral(int64_t samples, int64_t classes, double noise, uint64_t seed)
{
    checkCommon("spiral", samples, noise);
    if (classes < 2 || classes > samples)
        throw DataError("spiral data: classes must be between 2 and the number of samples ("
                        + std::to_string(samples) + "), got " + std::to_string(classes));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> along(0.0, 1.0);
    std::normal_distribution<double> jitter(0.0, 1.0);

    Dataset dataset = makePlanar("spiral", samples, classes);
    for (int64_t i = 0; i < samples; ++i) {
        const int64_t arm = i % classes;
        // Radius grows along the arm while it turns by 1.5 full circles.
        const double t = along(rng);
        const double angle = 2.0 * kPi * double(arm) / double(classes) + t * 3.0 * kPi;
        dataset.features.push_back(float(t * std::cos(angle) + noise * jitter(rng)));
        dataset.features.push_back(float(t * std::sin(angle) + noise * jitter(rng)));
        dataset.labels.push_back(arm);
    }
    return dataset;
}

Dataset makeTwoMoons(int64_t samples, double noise, uint64_t seed)
{
    checkCommon("moons", samples, noise);
    if (samples < 2)
        throw DataError("moons data: samples must be at least 2 (one per moon), got " + std::to_string(samples));
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> along(0.0, kPi);
    std::normal_distribution<double> jitter(0.0, 1.0);

    Dataset dataset = makePlanar("moons", samples, 2);
    for (int64_t i = 0; i < samples; ++i) {
        const int64_t moon = i % 2;
        const double angle = along(rng);
        // The lower moon is flipped and shifted so the two interleave.
        const double x = moon == 0 ? std::cos(angle) : 1.0 - std::cos(angle);
        const double y = moon == 0 ? std::sin(angle) : 0.5 - std::sin(angle);
        dataset.features.push_back(float(x + noise * jitter(rng)));
        dataset.features.push_back(float(y + noise * jitter(rng)));
        dataset.labels.push_back(moon);
    }
    return dataset;
}

Dataset makeCircles(int64_t samples, double noise, uint64_t seed)
{
    checkCommon("circles", samples, noise);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> around(0.0, 2.0 * kPi);
    std::normal_distribution<double> jitter(0.0, 1.0);

    Dataset dataset = makePlanar("circles", samples, 2);
    for (int64_t i = 0; i < samples; ++i) {
        const int64_t ring = i % 2;
        const double radius = ring == 0 ? 1.0 : 0.5; // class 1 is the inner circle
        const double angle = around(rng);
        dataset.features.push_back(float(radius * std::cos(angle) + noise * jitter(rng)));
        dataset.features.push_back(float(radius * std::sin(angle) + noise * jitter(rng)));
        dataset.labels.push_back(ring);
    }
    return dataset;
}

Dataset makeXor(int64_t samples, double noise, uint64_t seed)
{
    checkCommon("xor", samples, noise);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> coordinate(-1.0, 1.0);
    std::normal_distribution<double> jitter(0.0, 1.0);

    Dataset dataset = makePlanar("xor", samples, 2);
    for (int64_t i = 0; i < samples; ++i) {
        const double x = coordinate(rng);
        const double y = coordinate(rng);
        // The label comes from the clean point; noise only blurs the quadrants.
        dataset.features.push_back(float(x + noise * jitter(rng)));
        dataset.features.push_back(float(y + noise * jitter(rng)));
        dataset.labels.push_back((x > 0.0) != (y > 0.0) ? 1 : 0);
    }
    return dataset;
}

Dataset makeBlobs(int64_t samples, int64_t classes, double noise, uint64_t seed)
{
    checkCommon("blobs", samples, noise);
    if (classes < 2 || classes > samples)
        throw DataError("blobs data: classes must be between 2 and the number of samples ("
                        + std::to_string(samples) + "), got " + std::to_string(classes));
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> spread(0.0, 1.0);

    Dataset dataset = makePlanar("blobs", samples, classes);
    for (int64_t i = 0; i < samples; ++i) {
        const int64_t blob = i % classes;
        // Centres sit evenly on a circle of radius 2; noise is each blob's spread.
        const double angle = 2.0 * kPi * double(blob) / double(classes);
        dataset.features.push_back(float(2.0 * std::cos(angle) + noise * spread(rng)));
        dataset.features.push_back(float(2.0 * std::sin(angle) + noise * spread(rng)));
        dataset.labels.push_back(blob);
    }
    return dataset;
}

Dataset makeSine(int64_t samples, double noise, uint64_t seed)
{
    checkCommon("sine", samples, noise);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> position(-kPi, kPi);
    std::normal_distribution<double> jitter(0.0, 1.0);

    Dataset dataset;
    dataset.name = "sine";
    dataset.task = TaskType::Regression;
    dataset.featureShape = {1};
    dataset.targetShape = {1};
    dataset.features.reserve(static_cast<size_t>(samples));
    dataset.targets.reserve(static_cast<size_t>(samples));
    for (int64_t i = 0; i < samples; ++i) {
        const double x = position(rng);
        dataset.features.push_back(float(x));
        dataset.targets.push_back(float(std::sin(x) + noise * jitter(rng)));
    }
    return dataset;
}

} // namespace lepton
