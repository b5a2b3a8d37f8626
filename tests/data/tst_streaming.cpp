#include "data/datasplit.h"
#include "data/featurescaling.h"
#include "data/npydataset.h"
#include "util/mappedfile.h"

#include "common/npytestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <numeric>
#include <system_error>

#include <sys/stat.h>

using namespace lepton;
using namespace lepton::testing;

namespace {

using Dims = std::vector<int64_t>;

// Arrays of at least this many bytes are the ones the loader maps.
constexpr int64_t kLarge = int64_t(64) << 20;

int64_t product(const Dims& shape)
{
    return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<>());
}

std::string str(const QString& text)
{
    return text.toStdString();
}

} // namespace

class TestStreaming : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void largeFloatArrayStaysInItsFile()
    {
        // 20000 samples of 1000 float32 values: 80 MB.
        const Dims shape{20000, 1000};
        std::vector<float> values(size_t(product(shape)));
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(i % 4093) * 0.5f - 7.0f;
        std::vector<uint8_t> labels(static_cast<size_t>(shape[0]));
        for (size_t i = 0; i < labels.size(); ++i)
            labels[i] = uint8_t(i % 10);
        writeNpy(path("x.npy"), "<f4", shape, values.data(), values.size() * sizeof(float));
        writeNpy(path("y.npy"), "|u1", {shape[0]}, labels.data(), labels.size());

        NpyDatasetOptions options;
        options.features = str(path("x.npy"));
        options.labels = str(path("y.npy"));
        Dataset data = loadNpyDataset(options).train;
        QVERIFY(data.mapped);
        QVERIFY(data.features.empty() && data.featureBytes.empty());
        QVERIFY(!data.storesBytes());
        QCOMPARE(data.featureShape, (Shape{1000}));
        QCOMPARE(data.storedValues(), values.size());
        QVERIFY(std::memcmp(data.floatData(), values.data(), values.size() * sizeof(float)) == 0);
        QCOMPARE(data.feature(4093 * 3 + 2), 1.0f - 7.0f);
        // Labels are small and stay in memory.
        QCOMPARE(data.size(), shape[0]);
        QCOMPARE(data.labels[12345], int64_t(5));
        QCOMPARE(data.numClasses, int64_t(10));

        // Normalization fitted in place matches one fitted on a copy in memory.
        const std::vector<int64_t> part{19999, 3, 777, 4096};
        Dataset copy = data;
        copy.mapped.reset();
        copy.features.assign(data.floatData(), data.floatData() + data.storedValues());
        const FeatureScaling mapped = fitScaling(data, part, Normalization::Standardize);
        const FeatureScaling read = fitScaling(copy, part, Normalization::Standardize);
        QCOMPARE(mapped.offset, read.offset);
        QCOMPARE(mapped.scale, read.scale);

        // The mapping lives as long as a dataset that uses it.
        const Dataset kept = data;
        data = {};
        QCOMPARE(kept.floatData()[values.size() - 1], values.back());
    }

    void arraysUsedAsStoredAreMapped_data()
    {
        QTest::addColumn<QByteArray>("descr");
        QTest::addColumn<Dims>("shape");
        QTest::addColumn<bool>("fortran");
        QTest::addColumn<bool>("mapped");
        QTest::addColumn<bool>("bytes");

        const int64_t images = kLarge / (28 * 28) + 1;
        QTest::newRow("uint8 N x H x W") << QByteArray("|u1") << Dims{images, 28, 28} << false << true << true;
        QTest::newRow("uint8 N x 1 x H x W") << QByteArray("|u1") << Dims{images, 1, 28, 28} << false << true << true;
        QTest::newRow("uint8 N x H x W x 1") << QByteArray("|u1") << Dims{images, 28, 28, 1} << false << true << true;
        // Colour stored channels last is made planar, so it is read.
        QTest::newRow("uint8 N x H x W x 3") << QByteArray("|u1") << Dims{images / 3 + 1, 28, 28, 3} << false << false
                                             << true;
        QTest::newRow("uint8 vectors become floats") << QByteArray("|u1") << Dims{images, 784} << false << false << false;
        QTest::newRow("big-endian float32") << QByteArray(">f4") << Dims{kLarge / 4, 1} << false << false << false;
        QTest::newRow("Fortran order") << QByteArray("<f4") << Dims{kLarge / 4, 1} << true << false << false;
        QTest::newRow("float64 becomes float32") << QByteArray("<f8") << Dims{kLarge / 8, 1} << false << false << false;
        QTest::newRow("below 64 MiB") << QByteArray("<f4") << Dims{kLarge / 4 - 1, 1} << false << false << false;
    }

    void arraysUsedAsStoredAreMapped()
    {
        QFETCH(QByteArray, descr);
        QFETCH(Dims, shape);
        QFETCH(bool, fortran);
        QFETCH(bool, mapped);
        QFETCH(bool, bytes);

        const size_t itemSize = descr.endsWith('1') ? 1 : descr.endsWith('4') ? 4 : 8;
        // Zeros read the same in any byte order, layout and type; only how
        // they are held differs.
        const std::vector<char> zeros(size_t(product(shape)) * itemSize);
        const std::vector<int64_t> labels(size_t(shape[0]), 0);
        writeNpy(path("big.npy"), descr, shape, zeros.data(), zeros.size(), fortran);
        writeNpy(path("labels.npy"), "<i8", {shape[0]}, labels.data(), labels.size() * sizeof(int64_t));

        NpyDatasetOptions options;
        options.features = str(path("big.npy"));
        options.labels = str(path("labels.npy"));
        const Dataset data = loadNpyDataset(options).train;
        QCOMPARE(bool(data.mapped), mapped);
        QCOMPARE(data.storesBytes(), bytes);
        QCOMPARE(int64_t(data.storedValues()), product(shape));
        QCOMPARE(data.feature(int64_t(data.storedValues()) - 1), 0.0f);
    }

    void ownTestFilesAreMappedToo()
    {
        const Dims shape{kLarge / 784 + 1, 28, 28};
        std::vector<uint8_t> pixels(size_t(product(shape)));
        for (size_t i = 0; i < pixels.size(); ++i)
            pixels[i] = uint8_t(i * 7);
        const std::vector<int64_t> labels(size_t(shape[0]), 1);
        for (const char* name : {"x_train.npy", "x_test.npy"})
            writeNpy(path(name), "|u1", shape, pixels.data(), pixels.size());
        for (const char* name : {"y_train.npy", "y_test.npy"})
            writeNpy(path(name), "<i8", {shape[0]}, labels.data(), labels.size() * sizeof(int64_t));

        NpyDatasetOptions options;
        options.features = str(path("x_train.npy"));
        options.labels = str(path("y_train.npy"));
        options.testFeatures = str(path("x_test.npy"));
        options.testLabels = str(path("y_test.npy"));
        const DatasetSplits splits = loadNpyDataset(options);
        QVERIFY(splits.train.mapped && splits.test && splits.test->mapped);
        QCOMPARE(splits.test->featureShape, (Shape{1, 28, 28}));
        QCOMPARE(int(splits.test->byteData()[1000]), int(uint8_t(1000 * 7)));
        QCOMPARE(splits.test->feature(1000), float(uint8_t(1000 * 7)) / 255.0f);
    }

    void mappedFileRefusesWhatIsNotAFile()
    {
        QVERIFY(QDir(m_dir.path()).mkpath("folder"));
        QVERIFY(::mkfifo(str(path("pipe")).c_str(), 0600) == 0);
        for (const char* name : {"folder", "pipe", "missing"}) {
            try {
                MappedFile file(str(path(name)));
                QFAIL(name);
            } catch (const std::system_error& error) {
                QVERIFY2(QString(error.what()).contains(path(name)), error.what());
            }
        }
        QFile empty(path("empty"));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        const MappedFile none(str(path("empty")));
        QCOMPARE(none.size(), int64_t(0));
        QVERIFY(!none.data());
    }

private:
    QString path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)); }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestStreaming)
#include "tst_streaming.moc"
