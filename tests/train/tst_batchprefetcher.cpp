#include "data/dataset.h"
#include "train/batchprefetcher.h"
#include "train/runenvironment.h"

#include <ATen/CPUGeneratorImpl.h>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace lepton;

namespace {

constexpr int64_t kSamples = 50;

// kSamples distinct 1x6x6 byte images in 3 classes.
Dataset byteImages()
{
    Dataset dataset;
    dataset.name = "bytes";
    dataset.featureShape = {1, 6, 6};
    for (int64_t i = 0; i < kSamples * 36; ++i)
        dataset.featureBytes.push_back(static_cast<uint8_t>((i * 37) % 251));
    for (int64_t i = 0; i < kSamples; ++i)
        dataset.labels.push_back(i % 3);
    dataset.numClasses = 3;
    return dataset;
}

AugmentationSettings flipsAndNoise()
{
    AugmentationSettings settings;
    settings.horizontalFlip = true;
    settings.noise = 0.1;
    return settings;
}

// Every batch of an epoch over `data` in a seeded order, made ahead or on demand.
std::vector<TensorData> epoch(const TensorData& data, const BatchTransform& transform, bool ahead)
{
    torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
    const torch::Tensor order = torch::randperm(kSamples, generator, torch::kInt64);
    const auto ranges = batchRanges(kSamples, 16);
    BatchPrefetcher batches(data, order, ranges, transform, torch::kCPU, &generator, ahead);
    std::vector<TensorData> made;
    for (size_t b = 0; b < ranges.size(); ++b)
        made.push_back(batches.next());
    return made;
}

} // namespace

class TestBatchPrefetcher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A seeded run trains on the same batches whichever way they are made:
    // the same samples in the same order, augmented with the same draws.
    void aheadAndOnDemandMakeTheSameBatches()
    {
        const Dataset dataset = byteImages();
        const TensorData data = toTensors(dataset, LossKind::CrossEntropy);
        const BatchTransform transform({}, DType::Float32, flipsAndNoise(), torch::kCPU);
        const std::vector<TensorData> ahead = epoch(data, transform, true);
        const std::vector<TensorData> onDemand = epoch(data, transform, false);
        QCOMPARE(ahead.size(), size_t(4)); // 16 + 16 + 16 + 2
        QCOMPARE(onDemand.size(), ahead.size());
        for (size_t b = 0; b < ahead.size(); ++b) {
            QVERIFY(torch::equal(ahead[b].features, onDemand[b].features));
            QVERIFY(torch::equal(ahead[b].labels, onDemand[b].labels));
            QCOMPARE(ahead[b].features.scalar_type(), torch::kFloat32);
        }
        QCOMPARE(ahead.back().features.size(0), int64_t(2));
        // The noise was drawn: no batch holds only the stored bytes / 255.
        const torch::Tensor plain = data.features.index_select(0, torch::arange(16)).to(torch::kFloat32) / 255.0f;
        QVERIFY(!torch::allclose(ahead[0].features, plain));
    }

    // A batch that cannot be made fails in next(), after the batches before it.
    void aFailingBatchReachesTheConsumer_data()
    {
        QTest::addColumn<bool>("ahead");
        QTest::newRow("ahead") << true;
        QTest::newRow("on demand") << false;
    }

    void aFailingBatchReachesTheConsumer()
    {
        QFETCH(bool, ahead);
        const Dataset dataset = byteImages();
        const TensorData data = toTensors(dataset, LossKind::CrossEntropy);
        const BatchTransform transform({}, DType::Float32, {}, torch::kCPU);
        const torch::Tensor order = torch::tensor(std::vector<int64_t>{0, 1, 2, 3, 4, kSamples + 5});
        BatchPrefetcher batches(data, order, {{0, 3}, {3, 6}}, transform, torch::kCPU, nullptr, ahead);
        QCOMPARE(batches.next().features.size(0), int64_t(3));
        QVERIFY_THROWS_EXCEPTION(std::exception, batches.next());
    }

    // Made ahead only where that thread has a core of its own or waits on a file.
    void aheadWhereAThreadOfItsOwnPays()
    {
        applyThreadPlan({1, 1, "test"});
        QCOMPARE(stepThreads(), 1);
        const Dataset inMemory = byteImages();
        const TensorData memoryData = toTensors(inMemory, LossKind::CrossEntropy);
        QVERIFY(!worthPreparingAhead(memoryData, torch::kCPU, 1));
        QVERIFY(worthPreparingAhead(memoryData, torch::kCPU, 2));
        applyThreadPlan({2, 1, "test"});
        QVERIFY(!worthPreparingAhead(memoryData, torch::kCPU, 2));

        QTemporaryDir dir;
        const std::string path = dir.filePath("features.bin").toStdString();
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(inMemory.featureBytes.data()),
                   static_cast<std::streamsize>(inMemory.featureBytes.size()));
        Dataset mapped = byteImages();
        mapped.featureBytes.clear();
        mapped.mapped = std::make_shared<MappedFile>(path);
        mapped.mappedBytes = true;
        const TensorData fileData = toTensors(mapped, LossKind::CrossEntropy);
        QVERIFY(fileData.mapped);
        QVERIFY(torch::equal(fileData.features, memoryData.features));
        QVERIFY(worthPreparingAhead(fileData, torch::kCPU, 2));
    }
};

QTEST_GUILESS_MAIN(TestBatchPrefetcher)
#include "tst_batchprefetcher.moc"
