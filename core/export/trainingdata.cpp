#include "export/trainingdata.h"

#include "data/datasplit.h"
#include "data/npzwriter.h"

namespace lepton {

namespace {

template <typename T>
std::string rawBytes(const T* values, size_t count)
{
    return std::string(reinterpret_cast<const char*>(values), count * sizeof(T));
}

Shape batchShape(int64_t count, const Shape& sample)
{
    Shape shape{count};
    shape.insert(shape.end(), sample.begin(), sample.end());
    return shape;
}

void addArrays(const Dataset& data, const std::string& suffix, std::vector<NpzMember>& arrays)
{
    const auto count = static_cast<size_t>(data.size());
    const auto perSample = static_cast<size_t>(data.featuresPerSample());
    NpzMember x{"x" + suffix, "<f4", batchShape(data.size(), data.featureShape), {}};
    if (data.storesBytes()) {
        x.descr = "|u1";
        x.data.resize(count * perSample);
        std::vector<int64_t> all(count);
        for (size_t i = 0; i < count; ++i)
            all[i] = static_cast<int64_t>(i);
        data.readSamples(all.data(), data.size(), reinterpret_cast<uint8_t*>(x.data.data()));
    } else if (data.featureDType == DType::Int64) {
        x.descr = "<i8";
        std::vector<int64_t> ids(data.floatData(), data.floatData() + count * perSample);
        x.data = rawBytes(ids.data(), ids.size());
    } else {
        x.data = rawBytes(data.floatData(), count * perSample);
    }
    arrays.push_back(std::move(x));
    if (data.task == TaskType::Classification)
        arrays.push_back({"y" + suffix, "<i8", {data.size()}, rawBytes(data.labels.data(), data.labels.size())});
    else
        arrays.push_back({"y" + suffix, "<f4", batchShape(data.size(), data.targetShape),
                          rawBytes(data.targets.data(), data.targets.size())});
}

} // namespace

bool writeTrainingData(const DatasetSpec& spec, const std::string& baseDir, const std::string& path)
{
    const PreparedData prepared = prepareData(spec, DataLoadContext{baseDir, nullptr});
    const Dataset& data = prepared.data;
    const int64_t bytes = data.size() * data.featuresPerSample() * (data.storesBytes() ? 1 : 4);
    if (bytes > kMaxExportedDataBytes)
        return false;
    std::vector<NpzMember> arrays;
    addArrays(data, "", arrays);
    if (prepared.test)
        addArrays(*prepared.test, "_test", arrays);
    writeNpz(path, arrays);
    return true;
}

} // namespace lepton
