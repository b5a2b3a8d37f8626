#include "data/datasetspec.h"

#include "data/idxreader.h"
#include "data/synthetic.h"

#include <algorithm>
#include <filesystem>
#include <future>

namespace lepton {

namespace {

// Test samples come from the same generator with an unrelated stream
// (one SplitMix64 step), so they never repeat training samples.
uint64_t testSeed(uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

Dataset generate(const DatasetSpec& spec, int64_t samples, uint64_t seed)
{
    if (spec.generator == "spiral")
        return makeSpiral(samples, spec.classes, spec.noise, seed);
    if (spec.generator == "moons")
        return makeTwoMoons(samples, spec.noise, seed);
    if (spec.generator == "sine")
        return makeSine(samples, spec.noise, seed);
    throw DataError("unknown synthetic generator '" + spec.generator + "' (expected spiral, moons or sine)");
}

DatasetSplits loadSynthetic(const DatasetSpec& spec)
{
    if (spec.testSamples < 0)
        throw DataError(spec.generator + " data: test samples must be 0 or more, got "
                        + std::to_string(spec.testSamples));
    DatasetSplits splits;
    splits.train = generate(spec, spec.samples, spec.seed);
    if (spec.testSamples > 0)
        splits.test = generate(spec, spec.testSamples, testSeed(spec.seed));
    return splits;
}

std::string resolve(const std::string& path, const std::string& baseDir)
{
    std::filesystem::path file(path);
    if (file.is_relative() && !baseDir.empty())
        file = std::filesystem::path(baseDir) / file;
    return file.lexically_normal().string();
}

DatasetSplits loadIdx(const DatasetSpec& spec, const std::string& baseDir)
{
    if (spec.trainImages.empty() || spec.trainLabels.empty())
        throw DataError("IDX data needs both a training image file and a training label file");
    if (spec.testImages.empty() != spec.testLabels.empty())
        throw DataError("IDX data needs both a test image file and a test label file, or neither");

    // The test files decode on a second thread while the training files do.
    std::future<Dataset> test;
    if (!spec.testImages.empty())
        test = std::async(std::launch::async, loadIdxDataset, resolve(spec.testImages, baseDir),
                          resolve(spec.testLabels, baseDir));
    DatasetSplits splits;
    splits.train = loadIdxDataset(resolve(spec.trainImages, baseDir), resolve(spec.trainLabels, baseDir));
    if (!test.valid())
        return splits;

    splits.test = test.get();
    if (splits.test->featureShape != splits.train.featureShape)
        throw DataError(resolve(spec.testImages, baseDir) + ": images are "
                        + shapeToString(splits.test->featureShape) + " but the training images are "
                        + shapeToString(splits.train.featureShape));
    // Both sets share one class list, even when one of them lacks the top classes.
    const int64_t classes = std::max(splits.train.numClasses, splits.test->numClasses);
    splits.train.numClasses = classes;
    splits.test->numClasses = classes;
    return splits;
}

// The features become the regression target, for reconstructing the input.
void targetTheInput(Dataset& dataset)
{
    dataset.task = TaskType::Regression;
    dataset.targetShape = dataset.featureShape;
    dataset.targets = dataset.features;
    dataset.labels.clear();
    dataset.numClasses = 0;
    dataset.classNames.clear();
}

void applyClassNames(const std::vector<std::string>& names, Dataset& dataset)
{
    if (static_cast<int64_t>(names.size()) != dataset.numClasses)
        throw DataError(std::to_string(names.size()) + " class names given but the data has "
                        + std::to_string(dataset.numClasses) + " classes");
    dataset.classNames = names;
}

} // namespace

DatasetSplits loadDataset(const DatasetSpec& spec, const std::string& baseDir)
{
    DatasetSplits splits = spec.source == DatasetSpec::Source::Idx ? loadIdx(spec, baseDir)
                                                                   : loadSynthetic(spec);
    if (spec.target == DatasetSpec::Target::Input) {
        targetTheInput(splits.train);
        if (splits.test)
            targetTheInput(*splits.test);
    } else if (!spec.classNames.empty()) {
        applyClassNames(spec.classNames, splits.train);
        if (splits.test)
            applyClassNames(spec.classNames, *splits.test);
    }
    return splits;
}

} // namespace lepton
