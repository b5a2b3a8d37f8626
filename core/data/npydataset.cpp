#include "data/npydataset.h"

#include "data/npyreader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

namespace lepton {

namespace {

using Images = NpyDatasetOptions::Images;
using Task = NpyDatasetOptions::Task;

// Far beyond any classifier's output layer; a larger label is a value.
constexpr int64_t kMaxClasses = 100000;

// Features this large stay in their file when they can be used as stored.
// A mapped file that someone truncates faults on the next read, so smaller
// arrays, which memory holds easily, are read instead.
constexpr int64_t kMinMappedBytes = int64_t(64) << 20;

[[noreturn]] void fail(const std::string& name, const std::string& problem)
{
    throw DataError(name + ": " + problem);
}

std::string number(double value)
{
    std::ostringstream text;
    text << value;
    return text.str();
}

// An array and how messages name it: "x.npy" or "data.npz['x_train']".
struct Source {
    std::string name;
    NpyArray array;
    std::optional<MappedNpy> mapped; // large features used in place of `array`

    const std::vector<int64_t>& shape() const { return mapped ? mapped->shape : array.shape; }
    NpyArray::DType dtype() const { return mapped ? mapped->dtype : array.dtype(); }
};

struct Sources {
    std::string datasetName;
    Source x, y;
    std::optional<Source> testX, testY;
};

Sources readArchive(const NpyDatasetOptions& options)
{
    const std::string& path = options.archive;
    const std::vector<std::string> held = npzMembers(path);
    auto has = [&](const char* name) { return std::find(held.begin(), held.end(), name) != held.end(); };
    std::string x = options.featuresKey, y = options.labelsKey;
    std::string testX = options.testFeaturesKey, testY = options.testLabelsKey;
    if (x.empty() && y.empty()) {
        const bool split = has("x_train") && has("y_train");
        x = split ? "x_train" : "x";
        y = split ? "y_train" : "y";
        if (split && testX.empty() && testY.empty() && has("x_test") && has("y_test")) {
            testX = "x_test";
            testY = "y_test";
        }
    }
    if (x.empty() || y.empty())
        fail(path, "name both the features array and the labels array");
    if (testX.empty() != testY.empty())
        fail(path, "name both a test features array and a test labels array, or neither");

    std::vector<std::string> wanted = {x, y};
    if (!testX.empty())
        wanted.insert(wanted.end(), {testX, testY});
    std::map<std::string, NpyArray> arrays = readNpz(path, wanted, options.inflateLimit);
    std::map<std::string, int> uses;
    for (const std::string& key : wanted)
        ++uses[key];
    // An array named twice (features that are their own targets) is copied for all but its last use.
    auto take = [&](const std::string& key) {
        NpyArray& array = arrays.at(key);
        return Source{path + "['" + key + "']", --uses[key] > 0 ? array : std::move(array), {}};
    };
    Sources sources{std::filesystem::path(path).filename().string(), take(x), take(y), {}, {}};
    if (!testX.empty()) {
        sources.testX = take(testX);
        sources.testY = take(testY);
    }
    return sources;
}

// How the dimensions after N map onto a sample.
enum class Layout { Plain, Gray, ChannelsLast, ChannelsFirst };

bool isChannelCount(int64_t c)
{
    return c == 1 || c == 3 || c == 4;
}

Layout layoutOf(const Source& x, Images images)
{
    if (images == Images::No)
        return Layout::Plain;
    const std::vector<int64_t>& s = x.shape();
    const Layout image = s.size() == 3                              ? Layout::Gray
        : s.size() == 4 && isChannelCount(s[3]) ? Layout::ChannelsLast
        : s.size() == 4 && isChannelCount(s[1]) ? Layout::ChannelsFirst
                                                : Layout::Plain;
    if (images == Images::Auto)
        return x.dtype() == NpyArray::DType::UInt8 ? image : Layout::Plain;
    if (image == Layout::Plain)
        fail(x.name, "holds " + npyShapeText(s)
                 + ", not images: expected N x H x W, N x H x W x C or N x C x H x W with C of 1, 3 or 4");
    return image;
}

const char* layoutName(Layout layout)
{
    switch (layout) {
    case Layout::Plain: return "as stored";
    case Layout::Gray: return "NHW";
    case Layout::ChannelsLast: return "NHWC";
    case Layout::ChannelsFirst: return "NCHW";
    }
    return "";
}

// Copies `in` to `out` as [N, C, H, W] from [N, H, W, C], converting each value.
template <typename In, typename Out>
void toPlanar(const std::vector<In>& in, std::vector<Out>& out, const Shape& sample)
{
    const size_t channels = size_t(sample[0]), pixels = size_t(sample[1] * sample[2]);
    const size_t perSample = channels * pixels;
    resizeLarge(out, in.size());
    for (size_t base = 0; base < in.size(); base += perSample) {
        for (size_t p = 0; p < pixels; ++p) {
            for (size_t c = 0; c < channels; ++c)
                out[base + c * pixels + p] = static_cast<Out>(in[base + p * channels + c]);
        }
    }
}

// Channels-last colour images are stored channels first.
bool transposes(const Source& x, Layout layout)
{
    return layout == Layout::ChannelsLast && x.shape()[3] > 1;
}

// Whether the dataset keeps the array's values as they are: floats, or
// bytes of images, in the sample layout it uses.
bool usableAsStored(const Source& x, Layout layout)
{
    const bool bytes = layout != Layout::Plain && x.dtype() == NpyArray::DType::UInt8;
    return (bytes || x.dtype() == NpyArray::DType::Float32) && !transposes(x, layout);
}

Source readFeatures(const std::string& path, Images images)
{
    Source source{path, {}, mapNpy(path, kMinMappedBytes)};
    if (source.mapped && !usableAsStored(source, layoutOf(source, images)))
        source.mapped.reset();
    if (!source.mapped)
        source.array = readNpy(path);
    return source;
}

Sources readFiles(const NpyDatasetOptions& options)
{
    if (options.features.empty() || options.labels.empty())
        throw DataError("NPY data needs both a features file and a labels file");
    if (options.testFeatures.empty() != options.testLabels.empty())
        throw DataError("NPY data needs both a test features file and a test labels file, or neither");
    Sources sources{std::filesystem::path(options.features).filename().string(),
                    readFeatures(options.features, options.images),
                    {options.labels, readNpy(options.labels), {}},
                    {},
                    {}};
    if (!options.testFeatures.empty()) {
        sources.testX = readFeatures(options.testFeatures, options.images);
        sources.testY = Source{options.testLabels, readNpy(options.testLabels), {}};
    }
    return sources;
}

void setFeatures(Dataset& dataset, Source& x, Layout layout)
{
    const std::vector<int64_t> s = x.shape();
    const NpyArray::DType dtype = x.dtype();
    if (s.empty())
        fail(x.name, "holds a single value; expected one row per sample");
    if (s[0] == 0)
        fail(x.name, "holds no samples (shape " + npyShapeText(s) + ")");
    switch (layout) {
    case Layout::Plain: dataset.featureShape = s.size() == 1 ? Shape{1} : Shape(s.begin() + 1, s.end()); break;
    case Layout::Gray: dataset.featureShape = {1, s[1], s[2]}; break;
    case Layout::ChannelsLast: dataset.featureShape = {s[3], s[1], s[2]}; break;
    case Layout::ChannelsFirst: dataset.featureShape = {s[1], s[2], s[3]}; break;
    }
    if (dataset.featuresPerSample() == 0)
        fail(x.name, "each sample holds no values (shape " + npyShapeText(s) + ")");

    const bool transpose = transposes(x, layout);
    const bool bytes = layout != Layout::Plain && dtype == NpyArray::DType::UInt8;
    if (x.mapped) {
        dataset.mapped = std::move(x.mapped->file);
        dataset.mappedOffset = x.mapped->offset;
        dataset.mappedBytes = bytes;
    } else if (bytes) {
        auto& values = std::get<std::vector<uint8_t>>(x.array.values);
        if (transpose)
            toPlanar(values, dataset.featureBytes, dataset.featureShape);
        else
            dataset.featureBytes = std::move(values);
    } else if (dtype == NpyArray::DType::Float32 && !transpose) {
        dataset.features = std::move(std::get<std::vector<float>>(x.array.values));
    } else {
        checkAllocation(x.name, "the features as float32", x.array.size() * int64_t(sizeof(float)));
        std::visit(
            [&](const auto& values) {
                if (transpose) {
                    toPlanar(values, dataset.features, dataset.featureShape);
                } else {
                    resizeLarge(dataset.features, values.size());
                    std::transform(values.begin(), values.end(), dataset.features.begin(),
                                   [](auto v) { return static_cast<float>(v); });
                }
            },
            x.array.values);
    }
    x.array = {};
    x.mapped.reset();
    dataset.encoding["features"] = {{"array", x.name},
                                    {"dtype", npyDTypeName(dtype)},
                                    {"shape", s},
                                    {"layout", layoutName(layout)},
                                    {"scale", bytes ? "byte / 255" : "none"}};
}

bool oneValuePerSample(const NpyArray& y)
{
    return y.shape.size() == 1 || (y.shape.size() == 2 && y.shape[1] == 1);
}

bool isClassIndex(double value)
{
    return std::isfinite(value) && value >= 0 && value < double(kMaxClasses) && value == std::floor(value);
}

Task resolveTask(const NpyArray& y, Task task)
{
    if (task != Task::Auto)
        return task;
    if (!oneValuePerSample(y))
        return Task::Regression;
    const NpyArray::DType dtype = y.dtype();
    if (dtype == NpyArray::DType::Float32 || dtype == NpyArray::DType::Float64) {
        for (int64_t i = 0; i < y.size(); ++i) {
            if (!isClassIndex(y.at(i)))
                return Task::Regression;
        }
    }
    return Task::Classification;
}

void setLabels(Dataset& dataset, const Source& y, Task task, const Source& x)
{
    const NpyArray& array = y.array;
    if (array.shape.empty())
        fail(y.name, "holds a single value; expected one label per sample");
    const int64_t samples = x.shape().empty() ? 0 : x.shape()[0];
    if (array.shape[0] != samples)
        fail(y.name, "has " + std::to_string(array.shape[0]) + " labels but " + x.name + " has "
                 + std::to_string(samples) + " samples");

    if (task == Task::Classification) {
        if (!oneValuePerSample(array))
            fail(y.name, "classification needs one label per sample, got shape " + npyShapeText(array.shape));
        dataset.task = TaskType::Classification;
        dataset.labels.resize(size_t(samples));
        int64_t highest = 0;
        for (int64_t i = 0; i < samples; ++i) {
            const double value = array.at(i);
            if (!isClassIndex(value))
                fail(y.name, "label " + number(value) + " at index " + std::to_string(i)
                         + (value < 0 ? " is negative; classes are numbered from 0"
                            : value >= double(kMaxClasses)
                            ? " is beyond the " + std::to_string(kMaxClasses) + " classes supported"
                            : " is not a class number")
                         + "; set the task to regression if the labels are values to predict");
            dataset.labels[size_t(i)] = static_cast<int64_t>(value);
            highest = std::max(highest, dataset.labels[size_t(i)]);
        }
        dataset.numClasses = highest + 1;
    } else {
        dataset.task = TaskType::Regression;
        dataset.targetShape = array.shape.size() == 1 ? Shape{1} : Shape(array.shape.begin() + 1, array.shape.end());
        const int64_t perSample = shapeElementCount(dataset.targetShape);
        if (perSample == 0)
            fail(y.name, "each sample has no target values (shape " + npyShapeText(array.shape) + ")");
        resizeLarge(dataset.targets, size_t(array.size()));
        for (int64_t i = 0; i < array.size(); ++i) {
            const double value = array.at(i);
            if (!std::isfinite(value))
                fail(y.name, "target " + number(value) + " of sample " + std::to_string(i / perSample)
                         + " is not a finite number");
            dataset.targets[size_t(i)] = static_cast<float>(value);
        }
    }
    dataset.encoding["labels"] = {{"array", y.name},
                                  {"dtype", npyDTypeName(array.dtype())},
                                  {"task", task == Task::Classification ? "classification" : "regression"}};
}

Dataset makeDataset(const std::string& name, Source& x, const Source& y, Images images, Task task)
{
    Dataset dataset;
    dataset.name = name;
    dataset.encoding["source"] = "npy";
    setLabels(dataset, y, task, x); // before the features give up their array
    setFeatures(dataset, x, layoutOf(x, images));
    return dataset;
}

} // namespace

DatasetSplits loadNpyDataset(const NpyDatasetOptions& options)
{
    Sources sources = options.archive.empty() ? readFiles(options) : readArchive(options);
    const Task task = resolveTask(sources.y.array, options.task);
    DatasetSplits splits;
    splits.train = makeDataset(sources.datasetName, sources.x, sources.y, options.images, task);
    if (!sources.testX)
        return splits;

    Dataset test = makeDataset(sources.datasetName + " (test)", *sources.testX, *sources.testY, options.images, task);
    if (test.featureShape != splits.train.featureShape || test.storesBytes() != splits.train.storesBytes())
        fail(sources.testX->name, "test samples are " + shapeToString(test.featureShape)
                 + (test.storesBytes() ? " bytes" : " floats") + " but the training samples ("
                 + sources.x.name + ") are " + shapeToString(splits.train.featureShape)
                 + (splits.train.storesBytes() ? " bytes" : " floats"));
    if (test.targetShape != splits.train.targetShape)
        fail(sources.testY->name, "test targets are " + shapeToString(test.targetShape) + " but the training targets ("
                 + sources.y.name + ") are " + shapeToString(splits.train.targetShape));
    // Both sets share one class list, even when one of them lacks the top classes.
    const int64_t classes = std::max(splits.train.numClasses, test.numClasses);
    splits.train.numClasses = classes;
    test.numClasses = classes;
    splits.test = std::move(test);
    return splits;
}

} // namespace lepton
