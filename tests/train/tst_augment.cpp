#include "train/augmentation.h"
#include "train/augmentationpreview.h"
#include "train/batchtransform.h"

#include <ATen/CPUGeneratorImpl.h>
#include <QtTest>

using namespace lepton;

namespace {

torch::Generator seeded(uint64_t seed)
{
    return at::make_generator<at::CPUGeneratorImpl>(seed);
}

// A batch of 8 distinct 1x6x6 images with values in [0, 1].
torch::Tensor images()
{
    return torch::arange(8 * 36, torch::kFloat32).reshape({8, 1, 6, 6}) / float(8 * 36);
}

AugmentationSettings only(void (*set)(AugmentationSettings&))
{
    AugmentationSettings settings;
    set(settings);
    return settings;
}

} // namespace

class TestAugment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bytesBecomeUnitFloats()
    {
        const BatchTransform transform({}, DType::Float32, {}, torch::kCPU);
        const torch::Tensor stored = torch::tensor({0, 51, 255}, torch::kUInt8).reshape({1, 3});
        const torch::Tensor input = transform(stored);
        QCOMPARE(input.scalar_type(), torch::kFloat32);
        QVERIFY(torch::allclose(input, torch::tensor({0.0f, 0.2f, 1.0f}).reshape({1, 3})));
    }

    void tokenIdsBecomeInt64()
    {
        const BatchTransform transform({}, DType::Int64, {}, torch::kCPU);
        const torch::Tensor input = transform(torch::tensor({3.0f, 0.0f, 17.0f}).reshape({1, 3}));
        QCOMPARE(input.scalar_type(), torch::kInt64);
        QCOMPARE(input[0][2].item<int64_t>(), int64_t(17));
    }

    void normalizationBroadcastsPerChannel()
    {
        FeatureScaling scaling;
        scaling.kind = Normalization::Standardize;
        scaling.shape = {2, 1, 1};
        scaling.offset = {0.5f, 0.0f};
        scaling.scale = {2.0f, 10.0f};
        const BatchTransform transform(scaling, DType::Float32, {}, torch::kCPU);
        const torch::Tensor batch = torch::full({3, 2, 4, 4}, 0.75f);
        const torch::Tensor out = transform(batch);
        QVERIFY(torch::allclose(out.select(1, 0), torch::full({3, 4, 4}, 0.5f)));
        QVERIFY(torch::allclose(out.select(1, 1), torch::full({3, 4, 4}, 7.5f)));
    }

    void evaluationIsNeverAugmented()
    {
        const AugmentationSettings noisy = only([](AugmentationSettings& s) { s.noise = 0.5; });
        const BatchTransform transform({}, DType::Float32, noisy, torch::kCPU);
        QVERIFY(torch::equal(transform(images()), images()));
        torch::Generator generator = seeded(1);
        QVERIFY(!torch::equal(transform.augmented(images(), generator), images()));
    }

    void flipMirrorsWholeImages()
    {
        const auto settings = only([](AugmentationSettings& s) { s.horizontalFlip = true; });
        torch::Generator generator = seeded(3);
        const torch::Tensor batch = images();
        const torch::Tensor out = augmentBatch(batch, settings, generator);
        int flipped = 0;
        for (int64_t i = 0; i < batch.size(0); ++i) {
            const bool same = torch::equal(out[i], batch[i]);
            const bool mirrored = torch::equal(out[i], batch[i].flip({2}));
            QVERIFY(same != mirrored);
            flipped += mirrored;
        }
        QVERIFY(flipped > 0 && flipped < 8); // 1/2 each: 8 of a kind is a 1-in-128 event
    }

    void paddedCropShiftsContent()
    {
        const auto settings = only([](AugmentationSettings& s) { s.cropPadding = 2; });
        torch::Generator generator = seeded(4);
        const torch::Tensor batch = torch::ones({16, 1, 6, 6});
        const torch::Tensor out = augmentBatch(batch, settings, generator);
        QCOMPARE(out.sizes(), batch.sizes());
        // Each crop keeps at least a 4x4 block of the image; shifted ones show padding.
        for (int64_t i = 0; i < out.size(0); ++i)
            QVERIFY(out[i].sum().item<float>() >= 16.0f);
        QVERIFY(out.sum().item<float>() < batch.sum().item<float>());
    }

    void rotationKeepsShapeAndCentre()
    {
        const auto settings = only([](AugmentationSettings& s) { s.rotation = 30.0; });
        torch::Generator generator = seeded(5);
        const torch::Tensor batch = torch::ones({4, 3, 9, 9});
        const torch::Tensor out = augmentBatch(batch, settings, generator);
        QCOMPARE(out.sizes(), batch.sizes());
        QVERIFY(torch::allclose(out.select(2, 4).select(2, 4), torch::ones({4, 3})));
    }

    void erasingBlanksARectangle()
    {
        const auto settings = only([](AugmentationSettings& s) { s.erasing = 1.0; });
        torch::Generator generator = seeded(6);
        const torch::Tensor out = augmentBatch(torch::ones({5, 1, 10, 10}), settings, generator);
        for (int64_t i = 0; i < 5; ++i) {
            const float zeros = (out[i] == 0).sum().item<float>();
            QVERIFY2(zeros >= 1.0f && zeros <= 34.0f, qPrintable(QString::number(zeros)));
        }
    }

    void sameSeedSameAugmentation()
    {
        AugmentationSettings settings;
        settings.horizontalFlip = true;
        settings.cropPadding = 1;
        settings.rotation = 10.0;
        settings.translation = 0.1;
        settings.noise = 0.05;
        settings.erasing = 0.5;
        torch::Generator a = seeded(9);
        torch::Generator b = seeded(9);
        torch::Generator c = seeded(10);
        const torch::Tensor first = augmentBatch(images(), settings, a);
        QVERIFY(torch::equal(first, augmentBatch(images(), settings, b)));
        QVERIFY(!torch::equal(first, augmentBatch(images(), settings, c)));
    }

    void previewShowsVariantsOfOneSample()
    {
        Dataset data;
        data.featureShape = {1, 4, 4};
        data.featureBytes.assign(2 * 16, 0);
        std::fill(data.featureBytes.begin() + 16, data.featureBytes.end(), 255); // sample 1 is white
        data.labels = {0, 1};
        data.numClasses = 2;
        AugmentationSettings settings;
        settings.noise = 0.2;
        const auto variants = augmentedSamples(data, 1, settings, 4, 7);
        QCOMPARE(variants.size(), size_t(4));
        for (const std::vector<float>& variant : variants) {
            QCOMPARE(variant.size(), size_t(16));
            QVERIFY(*std::min_element(variant.begin(), variant.end()) >= 0.0f);
            QVERIFY(*std::max_element(variant.begin(), variant.end()) <= 1.0f);
            QVERIFY(*std::min_element(variant.begin(), variant.end()) < 1.0f); // noise pulled some down
        }
        QVERIFY(variants[0] != variants[1]);
        QCOMPARE(augmentedSamples(data, 1, settings, 4, 7), variants);
        QVERIFY(augmentedSamples(data, 2, settings, 4, 7).empty());
    }
};

QTEST_GUILESS_MAIN(TestAugment)
#include "tst_augment.moc"
