#include "train/tensordata.h"

#include "train/computedevices.h"

#include <cmath>

namespace lepton {

namespace {

std::vector<int64_t> batchSizes(int64_t samples, const Shape& shape)
{
    std::vector<int64_t> sizes{samples};
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    return sizes;
}

void checkLabels(const Dataset& dataset)
{
    if (dataset.numClasses < 1)
        throw DataError("dataset '" + dataset.name + "' has no classes");
    for (size_t i = 0; i < dataset.labels.size(); ++i) {
        int64_t label = dataset.labels[i];
        if (label < 0 || label >= dataset.numClasses)
            throw DataError("dataset '" + dataset.name + "': sample " + std::to_string(i)
                            + " has label " + std::to_string(label) + ", but there are only "
                            + std::to_string(dataset.numClasses) + " classes");
    }
}

// The lazy dataset's samples at `indices` as one uint8 batch.
torch::Tensor readSamples(const Dataset& dataset, const torch::Tensor& indices)
{
    const torch::Tensor order = indices.contiguous();
    torch::Tensor batch = torch::empty(batchSizes(order.size(0), dataset.featureShape), torch::kUInt8);
    dataset.readSamples(order.data_ptr<int64_t>(), order.size(0), batch.data_ptr<uint8_t>());
    return batch;
}

} // namespace

TensorData TensorData::select(const torch::Tensor& indices) const
{
    TensorData part;
    part.features = lazy ? readSamples(*lazy, indices) : features.index_select(0, indices);
    if (labels.defined())
        part.labels = labels.index_select(0, indices);
    if (oneHotClasses > 0)
        part.targets = torch::one_hot(part.labels, oneHotClasses).to(torch::kFloat32);
    else
        part.targets = targets.is_same(labels) ? part.labels : targets.index_select(0, indices);
    return part;
}

TensorData TensorData::to(const torch::Device& device) const
{
    // Pinned (page-locked) memory lets the copy run asynchronously on the
    // stream; the caching host allocator keeps it until the copy is done.
    const auto move = [&](const torch::Tensor& tensor) {
        if (!tensor.defined() || !device.is_cuda() || tensor.is_cuda())
            return tensor.defined() ? tensor.to(device) : tensor;
        return tensor.pin_memory().to(device, /*non_blocking=*/true);
    };
    TensorData moved;
    moved.features = move(features);
    moved.labels = move(labels);
    moved.targets = targets.is_same(labels) ? moved.labels : move(targets);
    return moved;
}

int64_t TensorData::bytes() const
{
    int64_t total = 0;
    for (const torch::Tensor& tensor : {features, labels, targets.is_same(labels) ? torch::Tensor() : targets})
        total += tensor.defined() ? tensor.numel() * static_cast<int64_t>(tensor.element_size()) : 0;
    return total;
}

TensorData placedFor(const torch::Device& device, TensorData data)
{
    if (!device.is_cuda() || data.lazy)
        return data;
    if (static_cast<double>(data.bytes()) > gpuMemoryBytes(device.index()) / 4)
        return data;
    // A plain copy, once: pinning the whole set would keep that much host memory locked.
    const auto placed = [&](const torch::Tensor& tensor) { return tensor.defined() ? tensor.to(device) : tensor; };
    TensorData onDevice;
    onDevice.features = placed(data.features);
    onDevice.labels = placed(data.labels);
    onDevice.targets = data.targets.is_same(data.labels) ? onDevice.labels : placed(data.targets);
    onDevice.oneHotClasses = data.oneHotClasses;
    return onDevice;
}

TensorData toTensors(const Dataset& dataset, LossKind loss)
{
    const int64_t samples = dataset.size();
    if (samples == 0)
        throw DataError("dataset '" + dataset.name + "' has no samples");
    const int64_t expected = samples * shapeElementCount(dataset.featureShape);
    const size_t stored = dataset.storedValues();
    if (!dataset.isLazy() && static_cast<int64_t>(stored) != expected)
        throw DataError("dataset '" + dataset.name + "' has " + std::to_string(stored)
                        + " feature values, expected " + std::to_string(samples)
                        + " samples of shape " + shapeToString(dataset.featureShape));

    // from_blob wants mutable pointers; nothing here writes through them (a
    // mapped file is read-only and would fault).
    const auto wrap = [&](const void* data, const Shape& shape, torch::ScalarType type) {
        return torch::from_blob(const_cast<void*>(data), batchSizes(samples, shape), type);
    };
    TensorData data;
    // Bytes stay bytes here; BatchTransform makes floats one batch at a time.
    data.mapped = dataset.mapped != nullptr;
    if (dataset.isLazy())
        data.lazy = &dataset;
    else if (dataset.storesBytes())
        data.features = wrap(dataset.byteData(), dataset.featureShape, torch::kUInt8);
    else
        data.features = wrap(dataset.floatData(), dataset.featureShape, torch::kFloat32);
    if (dataset.task == TaskType::Regression) {
        data.targets = wrap(dataset.targets.data(), dataset.targetShape, torch::kFloat32);
        return data;
    }
    checkLabels(dataset);
    data.labels = torch::from_blob(const_cast<int64_t*>(dataset.labels.data()), {samples}, torch::kInt64);
    if (takesClassIndices(loss))
        data.targets = data.labels;
    else
        data.oneHotClasses = dataset.numClasses;
    return data;
}

std::vector<std::pair<int64_t, int64_t>> batchRanges(int64_t samples, int64_t batchSize, int workers)
{
    const int64_t step = batchSize * workers;
    std::vector<std::pair<int64_t, int64_t>> ranges;
    for (int64_t begin = 0; begin < samples; begin += step)
        ranges.emplace_back(begin, std::min(samples, begin + step));
    // One sample fails a batch norm: every worker's share needs two.
    const int64_t smallest = 2 * static_cast<int64_t>(workers);
    if (ranges.size() > 1 && ranges.back().second - ranges.back().first < smallest) {
        ranges.pop_back();
        ranges.back().second = samples;
    }
    return ranges;
}

torch::Tensor countCorrect(const torch::Tensor& output, const torch::Tensor& labels)
{
    return output.argmax(1).eq(labels).sum();
}

} // namespace lepton
