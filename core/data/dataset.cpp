#include "data/dataset.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <system_error>
#include <thread>

namespace lepton {

int64_t Dataset::size() const
{
    if (task == TaskType::Classification)
        return static_cast<int64_t>(labels.size());
    const int64_t perSample = shapeElementCount(targetShape);
    return perSample > 0 ? static_cast<int64_t>(targets.size()) / perSample : 0;
}

size_t Dataset::storedValues() const
{
    if (reader)
        return 0;
    if (mapped)
        return (size_t(mapped->size()) - mappedOffset) / (mappedBytes ? 1 : sizeof(float));
    return storesBytes() ? featureBytes.size() : features.size();
}

void Dataset::readSample(int64_t sample, uint8_t* out) const
{
    const auto perSample = size_t(featuresPerSample());
    if (reader)
        reader->read(sample, out);
    else
        std::memcpy(out, byteData() + size_t(sample) * perSample, perSample);
}

void Dataset::readSamples(const int64_t* samples, int64_t count, uint8_t* out) const
{
    const auto perSample = size_t(featuresPerSample());
    std::atomic<int64_t> next{0};
    std::exception_ptr error;
    std::atomic<bool> failed{false};
    const auto work = [&] {
        try {
            for (int64_t i = next++; i < count && !failed; i = next++)
                readSample(samples[i], out + size_t(i) * perSample);
        } catch (...) {
            if (!failed.exchange(true))
                error = std::current_exception();
        }
    };
    const auto threads = reader ? std::min<int64_t>(count, std::max(1u, std::thread::hardware_concurrency())) : 1;
    std::vector<std::thread> pool;
    for (int64_t t = 1; t < threads; ++t) {
        try {
            pool.emplace_back(work);
        } catch (const std::system_error&) {
            break; // fewer threads do the same work
        }
    }
    work();
    for (std::thread& thread : pool)
        thread.join();
    if (error)
        std::rethrow_exception(error);
}

std::vector<float> Dataset::sampleValues(int64_t sample) const
{
    const auto perSample = size_t(featuresPerSample());
    std::vector<float> values(perSample);
    if (storesBytes()) {
        std::vector<uint8_t> bytes(perSample);
        readSample(sample, bytes.data());
        std::transform(bytes.begin(), bytes.end(), values.begin(),
                       [](uint8_t byte) { return byte * (1.0f / 255.0f); });
    } else {
        std::copy_n(floatData() + size_t(sample) * perSample, perSample, values.begin());
    }
    return values;
}

Dataset inMemorySubset(const Dataset& dataset, const std::vector<int64_t>& samples)
{
    Dataset subset;
    subset.name = dataset.name;
    subset.task = dataset.task;
    subset.featureShape = dataset.featureShape;
    subset.featureDType = dataset.featureDType;
    subset.numClasses = dataset.numClasses;
    subset.classNames = dataset.classNames;
    subset.targetShape = dataset.targetShape;
    subset.encoding = dataset.encoding;
    const auto perSample = size_t(dataset.featuresPerSample());
    const auto perTarget = size_t(shapeElementCount(dataset.targetShape));
    if (dataset.storesBytes()) {
        subset.featureBytes.resize(samples.size() * perSample);
        dataset.readSamples(samples.data(), int64_t(samples.size()), subset.featureBytes.data());
    }
    for (const int64_t sample : samples) {
        if (!dataset.storesBytes()) {
            const float* row = dataset.floatData() + size_t(sample) * perSample;
            subset.features.insert(subset.features.end(), row, row + perSample);
        }
        if (dataset.task == TaskType::Classification) {
            subset.labels.push_back(dataset.labels[size_t(sample)]);
        } else {
            const auto target = dataset.targets.begin() + std::ptrdiff_t(size_t(sample) * perTarget);
            subset.targets.insert(subset.targets.end(), target, target + std::ptrdiff_t(perTarget));
        }
    }
    return subset;
}

std::vector<int64_t> evenlySpaced(const std::vector<int64_t>& samples, size_t count)
{
    if (samples.size() <= count)
        return samples;
    std::vector<int64_t> chosen;
    chosen.reserve(count);
    for (size_t i = 0; i < count; ++i)
        chosen.push_back(samples[i * samples.size() / count]);
    return chosen;
}

} // namespace lepton
