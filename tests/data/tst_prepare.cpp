#include "data/datasource.h"
#include "data/datasplit.h"
#include "data/featurescaling.h"
#include "data/synthetic.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

using namespace lepton;

namespace {

DatasetSpec spiral(int samples, nlohmann::json split)
{
    DatasetSpec spec;
    spec.params = {{"generator", "spiral"}, {"samples", samples}, {"classes", 3}};
    if (!split.is_null())
        spec.split = std::move(split);
    return spec;
}

std::vector<int64_t> sorted(std::vector<int64_t> items)
{
    std::sort(items.begin(), items.end());
    return items;
}

std::vector<int64_t> allSamples(const Dataset& data)
{
    std::vector<int64_t> indices(size_t(data.size()));
    std::iota(indices.begin(), indices.end(), 0);
    return indices;
}

// The feature values of the samples at `indices`, in that order.
std::vector<float> featuresAt(const Dataset& data, const std::vector<int64_t>& indices)
{
    std::vector<float> values;
    for (int64_t sample : indices) {
        for (int64_t i = 0; i < data.featuresPerSample(); ++i)
            values.push_back(data.feature(sample * data.featuresPerSample() + i));
    }
    return values;
}

int64_t countLabel(const Dataset& data, const std::vector<int64_t>& indices, int64_t label)
{
    return std::count_if(indices.begin(), indices.end(),
                         [&](int64_t i) { return data.labels[size_t(i)] == label; });
}

// Four 2x2 images with two channels, stored as bytes.
Dataset byteImages()
{
    Dataset data;
    data.name = "images";
    data.featureShape = {2, 2, 2};
    data.featureBytes = {0,   0,   0,   0,   10,  10,  10,  10, // sample 0
                         255, 255, 255, 255, 20,  20,  20,  20, // sample 1
                         0,   255, 0,   255, 30,  30,  30,  30, // sample 2
                         51,  51,  51,  51,  40,  40,  40,  40};
    data.labels = {0, 1, 0, 1};
    data.numClasses = 2;
    return data;
}

} // namespace

class TestPrepare : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitPartsCoverEverySampleOnce()
    {
        const Dataset data = makeSpiral(1000, 3, 0.1, 1);
        const SplitIndices split = splitIndices(data, {0.2, 0.1, 5, true});
        QCOMPARE(split.validation.size(), size_t(200));
        QCOMPARE(split.test.size(), size_t(100));
        std::vector<int64_t> all = split.train;
        all.insert(all.end(), split.validation.begin(), split.validation.end());
        all.insert(all.end(), split.test.begin(), split.test.end());
        std::vector<int64_t> expected(1000);
        std::iota(expected.begin(), expected.end(), 0);
        QCOMPARE(sorted(all), expected);
    }

    void splitFollowsItsOwnSeed()
    {
        const Dataset data = makeSpiral(500, 3, 0.1, 1);
        const SplitIndices first = splitIndices(data, {0.2, 0.0, 5, true});
        QCOMPARE(splitIndices(data, {0.2, 0.0, 5, true}).validation, first.validation);
        QVERIFY(splitIndices(data, {0.2, 0.0, 6, true}).validation != first.validation);

        // The training seed is not an input: two runs with other training
        // seeds prepare the very same validation samples.
        const DatasetSpec spec = spiral(500, {{"validation", 0.2}, {"seed", 5}});
        const PreparedData a = prepareData(spec, {});
        const PreparedData b = prepareData(spec, {});
        QCOMPARE(a.split.validation.size(), size_t(100));
        QCOMPARE(featuresAt(a.data, a.split.validation), featuresAt(b.data, b.split.validation));
        QCOMPARE(a.split.train, b.split.train);
    }

    void stratifiedSplitKeepsClassShares()
    {
        // 90% class 0, 10% class 1: a stratified 20% holds out 18 and 2.
        Dataset data;
        data.featureShape = {1};
        data.numClasses = 2;
        for (int i = 0; i < 100; ++i) {
            data.features.push_back(float(i));
            data.labels.push_back(i < 90 ? 0 : 1);
        }
        const SplitIndices split = splitIndices(data, {0.2, 0.0, 3, true});
        QCOMPARE(countLabel(data, split.validation, 0), int64_t(18));
        QCOMPARE(countLabel(data, split.validation, 1), int64_t(2));
        QCOMPARE(countLabel(data, split.train, 1), int64_t(8));
    }

    void tinyFractionStillHoldsOutOne()
    {
        const Dataset data = makeSpiral(30, 3, 0.1, 1);
        const SplitIndices split = splitIndices(data, {0.01, 0.0, 1, true});
        QCOMPARE(split.validation.size(), size_t(1));
        QCOMPARE(split.train.size(), size_t(29));
    }

    void partsAreIndicesIntoOneDataset()
    {
        DatasetSpec spec = spiral(400, {{"validation", 0.25}, {"test", 0.1}, {"seed", 4}});
        const PreparedData prepared = prepareData(spec, {});
        QCOMPARE(prepared.data.size(), int64_t(400));
        QCOMPARE(prepared.split.validation.size(), size_t(100));
        QCOMPARE(prepared.split.test.size(), size_t(40));
        QVERIFY(!prepared.test);
        QCOMPARE(prepared.split.validation, splitIndices(prepared.data, splitSettings(spec)).validation);
    }

    void standardizeUsesTrainingStatisticsOnly()
    {
        DatasetSpec spec = spiral(600, {{"validation", 0.25}, {"seed", 2}});
        spec.preprocessing = {{"normalize", "standardize"}};
        const PreparedData data = prepareData(spec, {});
        QCOMPARE(data.scaling.shape, (Shape{2}));
        const std::vector<float> train = featuresAt(data.data, data.split.train);
        for (int feature = 0; feature < 2; ++feature) {
            double sum = 0, squares = 0;
            const int64_t n = int64_t(data.split.train.size());
            for (int64_t i = 0; i < n; ++i)
                sum += train[size_t(i * 2 + feature)];
            const double mean = sum / double(n);
            for (int64_t i = 0; i < n; ++i)
                squares += std::pow(train[size_t(i * 2 + feature)] - mean, 2);
            QVERIFY(std::abs(data.scaling.offset[size_t(feature)] - mean) < 1e-5);
            QVERIFY(std::abs(data.scaling.scale[size_t(feature)] - 1.0 / std::sqrt(squares / double(n))) < 1e-4);
        }
        QCOMPARE(data.split.validation.size(), size_t(150));
        // Fitted on every sample, the statistics would differ.
        const FeatureScaling all = fitScaling(data.data, allSamples(data.data), Normalization::Standardize);
        QVERIFY(all.offset != data.scaling.offset);
    }

    void minMaxPerChannelOnBytes()
    {
        const Dataset images = byteImages();
        const FeatureScaling scaling = fitScaling(images, allSamples(images), Normalization::MinMax);
        QCOMPARE(scaling.shape, (Shape{2, 1, 1}));
        QCOMPARE(scaling.offset, (std::vector<float>{0.0f, 10.0f / 255.0f}));
        QVERIFY(std::abs(scaling.scale[0] - 1.0f) < 1e-6);
        QVERIFY(std::abs(scaling.scale[1] - 255.0f / 30.0f) < 1e-3);
        QVERIFY(fitScaling(images, allSamples(images), Normalization::None).identity());
        // Only the samples named count: 2 and 3 leave channel 0 within [0, 255]
        // and channel 1 within [30, 40].
        const FeatureScaling part = fitScaling(images, {3, 2}, Normalization::MinMax);
        QCOMPARE(part.offset[0], 0.0f);
        QVERIFY(std::abs(part.offset[1] - 30.0f / 255.0f) < 1e-6);
        QVERIFY(std::abs(part.scale[1] - 255.0f / 10.0f) < 1e-3);
    }

    void tokenIdsAreNeverScaled()
    {
        Dataset tokens = byteImages();
        tokens.featureDType = DType::Int64;
        QVERIFY(fitScaling(tokens, allSamples(tokens), Normalization::Standardize).identity());
    }

    void ownTestSetRefusesATestFraction()
    {
        DatasetSpec spec = spiral(300, {{"test", 0.2}});
        spec.params["test_samples"] = 50;
        try {
            prepareData(spec, {});
            QFAIL("no DataError");
        } catch (const DataError& error) {
            QVERIFY2(QString(error.what()).contains("dataset.split.test"), error.what());
        }
        spec.split["test"] = 0.0;
        const PreparedData prepared = prepareData(spec, {});
        QCOMPARE(prepared.test->size(), int64_t(50));
        QVERIFY(prepared.split.test.empty());
        QCOMPARE(prepared.data.size(), int64_t(300));
    }

    void stopFlagCancelsPreparation()
    {
        std::atomic<bool> stop{true};
        QVERIFY_THROWS_EXCEPTION(DataCancelled, prepareData(spiral(300, {}), {{}, &stop}));
    }

    void registryListsSourcesWithSchemas()
    {
        const DataSourceRegistry& sources = DataSourceRegistry::builtin();
        for (const char* id : {"synthetic", "idx"}) {
            const DataSourceSpec* spec = sources.find(id);
            QVERIFY2(spec, id);
            QVERIFY(spec->load);
            QVERIFY(!spec->displayName.empty() && !spec->description.empty());
            for (const ParamSpec& param : spec->params) {
                QVERIFY2(!param.help.empty(), param.name.c_str());
                QVERIFY2(paramValueProblem(param, param.defaultValue).empty(), param.name.c_str());
            }
        }
        QVERIFY(sources.problem("parquet", {}).find("unknown data source 'parquet'") != std::string::npos);
        QVERIFY(sources.problem("synthetic", {{"samples", 0}}).find("'samples'") != std::string::npos);
    }

    void unreadableDataFileIsListed()
    {
        if (::geteuid() == 0)
            QSKIP("permissions do not stop root");
        QTemporaryDir dir;
        QFile locked(dir.filePath("locked.idx"));
        QVERIFY(locked.open(QIODevice::WriteOnly));
        locked.close();
        QVERIFY(locked.setPermissions(QFileDevice::WriteOwner));
        DatasetSpec spec;
        spec.source = "idx";
        spec.params = {{"train_images", "locked.idx"}, {"train_labels", "locked.idx"}};
        const std::vector<std::string> missing = missingDataFiles(spec, dir.path().toStdString());
        QCOMPARE(missing.size(), size_t(2));
        QVERIFY2(QString::fromStdString(missing[0]).endsWith("locked.idx: cannot be read: Permission denied"),
                 missing[0].c_str());
    }

    void idxFilesAreDetectedWithTheirTwins()
    {
        QTemporaryDir dir;
        for (const char* name : {"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"}) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        const std::string images = dir.filePath("train-images-idx3-ubyte.gz").toStdString();
        const auto detected = DataSourceRegistry::builtin().detect(images);
        QVERIFY(detected);
        QCOMPARE(detected->first, std::string("idx"));
        QCOMPARE(detected->second["train_labels"].get<std::string>(),
                 dir.filePath("train-labels-idx1-ubyte.gz").toStdString());
        QCOMPARE(detected->second["test_images"].get<std::string>(),
                 dir.filePath("t10k-images-idx3-ubyte.gz").toStdString());
        QVERIFY(!DataSourceRegistry::builtin().detect(dir.filePath("notes.txt").toStdString()));
    }

    void missingDataFilesAreListed()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath("folder"));
        QFile present(dir.filePath("labels.idx"));
        QVERIFY(present.open(QIODevice::WriteOnly));
        DatasetSpec spec;
        spec.source = "idx";
        spec.params = {{"train_images", "missing.idx"}, {"train_labels", "labels.idx"},
                       {"test_images", "folder"}, {"test_labels", ""}};
        const std::vector<std::string> missing = missingDataFiles(spec, dir.path().toStdString());
        QCOMPARE(missing.size(), size_t(2));
        QVERIFY2(QString::fromStdString(missing[0]).startsWith("params.train_images: "), missing[0].c_str());
        QVERIFY2(QString::fromStdString(missing[0]).endsWith("missing.idx: no such file"), missing[0].c_str());
        QVERIFY2(QString::fromStdString(missing[1]).endsWith("folder: a folder, not a file"), missing[1].c_str());
        QVERIFY(missingDataFiles(spiral(10, {}), {}).empty());
    }
};

QTEST_GUILESS_MAIN(TestPrepare)
#include "tst_prepare.moc"
