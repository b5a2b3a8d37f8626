#include "data/datasetspec.h"
#include "data/idxreader.h"
#include "data/synthetic.h"

#include "common/datatestutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <map>

using namespace lepton;
using namespace lepton::testing;

namespace {

constexpr double kPi = 3.14159265358979323846;

// An IDX file in memory: magic 00 00 <type> <rank>, big-endian dims, data.
QByteArray idxBytes(const std::vector<uint32_t>& dims, const QByteArray& data, uint8_t type = 0x08)
{
    QByteArray bytes;
    bytes.append(char(0)).append(char(0)).append(char(type)).append(char(dims.size()));
    for (uint32_t dim : dims) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.append(char((dim >> shift) & 0xFF));
    }
    return bytes + data;
}

DatasetSpec syntheticSpec(nlohmann::json params)
{
    DatasetSpec spec;
    spec.params = std::move(params);
    return spec;
}

DatasetSpec idxSpec(nlohmann::json params)
{
    DatasetSpec spec;
    spec.source = "idx";
    spec.params = std::move(params);
    return spec;
}

// Relative data paths resolve against `folder`.
DataLoadContext in(const QString& folder)
{
    return DataLoadContext{folder.toStdString()};
}

QByteArray counting(int size)
{
    QByteArray data(size, 0);
    for (int i = 0; i < size; ++i)
        data[i] = char(i % 256);
    return data;
}

void writeFile(const QString& path, const QByteArray& bytes, bool compressed)
{
    if (compressed) {
        gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
        QVERIFY(file);
        QCOMPARE(gzwrite(file, bytes.constData(), unsigned(bytes.size())), int(bytes.size()));
        QCOMPARE(gzclose(file), Z_OK);
    } else {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(bytes), qint64(bytes.size()));
    }
}

std::map<int64_t, int64_t> classCounts(const Dataset& dataset)
{
    std::map<int64_t, int64_t> counts;
    for (int64_t label : dataset.labels)
        ++counts[label];
    return counts;
}

} // namespace

class TestData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readIdx_data();
    void readIdx();
    void loadIdxDataset();
    void idxErrors_data();
    void idxErrors();
    void fashionMnist();
    void relativePathsAndClassNames();
    void syntheticDeterministic_data();
    void syntheticDeterministic();
    void syntheticBalanced_data();
    void syntheticBalanced();
    void syntheticGeometry();
    void sineNoiseIsStdDev();
    void syntheticTestSet();
    void inputAsTarget();
    void syntheticErrors_data();
    void syntheticErrors();

private:
    QTemporaryDir m_dir;
};

void TestData::readIdx_data()
{
    QTest::addColumn<bool>("compressed");
    QTest::addColumn<std::vector<uint32_t>>("dims");
    QTest::newRow("plain 1-D") << false << std::vector<uint32_t>{7};
    QTest::newRow("gzip 3-D") << true << std::vector<uint32_t>{5, 3, 4};
    QTest::newRow("gzip large") << true << std::vector<uint32_t>{300, 28, 28};
}

void TestData::readIdx()
{
    QFETCH(bool, compressed);
    QFETCH(std::vector<uint32_t>, dims);
    int count = 1;
    for (uint32_t dim : dims)
        count *= int(dim);
    const QByteArray data = counting(count);
    const QString path = m_dir.filePath(QStringLiteral("array.idx"));
    writeFile(path, idxBytes(dims, data), compressed);

    const IdxArray array = lepton::readIdx(str(path));
    QCOMPARE(array.dims, std::vector<int64_t>(dims.begin(), dims.end()));
    QCOMPARE(QByteArray(reinterpret_cast<const char*>(array.bytes.data()), int(array.bytes.size())), data);
}

void TestData::loadIdxDataset()
{
    const QString images = m_dir.filePath(QStringLiteral("images.idx3-ubyte.gz"));
    const QString labels = m_dir.filePath(QStringLiteral("labels.idx1-ubyte"));
    const QByteArray pixels("\x00\xff\x33\x66" "\x01\x02\x03\x04" "\x80\x00\x00\xfe", 12);
    writeFile(images, idxBytes({3, 2, 2}, pixels), true);
    writeFile(labels, idxBytes({3}, QByteArray("\x00\x04\x01", 3)), false);

    const Dataset dataset = lepton::loadIdxDataset(str(images), str(labels));
    QCOMPARE(dataset.task, TaskType::Classification);
    QCOMPARE(dataset.size(), int64_t(3));
    QCOMPARE(dataset.featureShape, (Shape{1, 2, 2}));
    QCOMPARE(dataset.labels, (std::vector<int64_t>{0, 4, 1}));
    QCOMPARE(dataset.numClasses, int64_t(5));
    QVERIFY(dataset.features.empty()); // images stay bytes
    QCOMPARE(dataset.featureBytes.size(), size_t(12));
    for (int i = 0; i < pixels.size(); ++i) {
        QCOMPARE(dataset.featureBytes[size_t(i)], uint8_t(pixels[i]));
        QCOMPARE(dataset.feature(i), float(uint8_t(pixels[i])) / 255.0f);
    }
}

void TestData::idxErrors_data()
{
    QTest::addColumn<bool>("badImages"); // which of the two files is broken
    QTest::addColumn<QByteArray>("bytes"); // null: the file does not exist
    QTest::addColumn<bool>("compressed");
    QTest::addColumn<QString>("fragment");

    const QByteArray good = idxBytes({4, 3, 3}, counting(36));
    QByteArray badMagic = good;
    badMagic[0] = 0x1f;
    QTest::newRow("bad magic") << true << badMagic << false << "bad magic number 0x1F000803";
    QTest::newRow("bad type") << true << idxBytes({4, 3, 3}, counting(36), 0x0D) << false
                              << "unsupported data type 0x0D";
    QTest::newRow("zero dimension") << true << idxBytes({4, 0, 3}, {}) << false << "dimension 2 is zero";
    QTest::newRow("absurd dimensions") << true << idxBytes({60000, 60000, 60000}, {}) << true
                                       << "header promises 196.5 TiB of data (60000x60000x60000); refusing";
    QTest::newRow("gzip beyond 4 GiB") << true << idxBytes({70000, 256, 256}, {}) << true
                                       << "header promises 4.3 GiB of data (70000x256x256); refusing";
    QTest::newRow("more than the file holds") << true << idxBytes({60000, 60000, 60000}, counting(100)) << false
                                              << "ends after 100 of 216000000000000 data bytes; the header promises";
    QTest::newRow("truncated header") << true << good.left(9) << false << "ends inside the IDX header";
    QTest::newRow("truncated data") << true << good.left(16 + 20) << false << "ends after 20 of 36 data bytes";
    QTest::newRow("truncated gzip data") << true << good.left(16 + 20) << true
                                         << "ends after 20 of 36 data bytes";
    QTest::newRow("trailing bytes") << true << good + "xy" << true << "trailing bytes after the 36 data bytes";
    QTest::newRow("labels not 1-D") << false << idxBytes({4, 1}, counting(4)) << false
                                    << "expected a list of labels";
    QTest::newRow("missing file") << true << QByteArray() << false << "no such file";
    QTest::newRow("count mismatch") << false << idxBytes({3}, counting(3)) << false
                                    << "has 3 labels but";
}

void TestData::idxErrors()
{
    QFETCH(bool, badImages);
    QFETCH(QByteArray, bytes);
    QFETCH(bool, compressed);
    QFETCH(QString, fragment);

    const QString images = m_dir.filePath(QStringLiteral("err-images.idx"));
    const QString labels = m_dir.filePath(QStringLiteral("err-labels.idx"));
    writeFile(images, badImages ? bytes : idxBytes({4, 3, 3}, counting(36)), badImages && compressed);
    writeFile(labels, badImages ? idxBytes({4}, counting(4)) : bytes, !badImages && compressed);
    if (bytes.isNull())
        QVERIFY(QFile::remove(badImages ? images : labels));

    try {
        lepton::loadIdxDataset(str(images), str(labels));
        QFAIL("no DataError");
    } catch (const DataError& error) {
        const QString message = QString::fromStdString(error.what());
        QVERIFY2(message.startsWith(badImages ? images : labels), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
    }
}

void TestData::fashionMnist()
{
    const QString folder = QStringLiteral("/usr/share/datasets/fashion-mnist");
    if (!QFile::exists(folder + QStringLiteral("/train-images-idx3-ubyte.gz")))
        QSKIP("Fashion-MNIST is not installed");

    DatasetSpec spec = idxSpec({{"train_images", "train-images-idx3-ubyte.gz"},
                                {"train_labels", "train-labels-idx1-ubyte.gz"},
                                {"test_images", "t10k-images-idx3-ubyte.gz"},
                                {"test_labels", "t10k-labels-idx1-ubyte.gz"}});
    spec.classNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                       "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
    QElapsedTimer timer;
    timer.start();
    const DatasetSplits splits = loadDataset(spec, in(folder));
    qInfo("Fashion-MNIST (60k + 10k) loaded in %lld ms", timer.elapsed());

    QVERIFY(splits.test.has_value());
    for (const auto& [dataset, size] : {std::pair{&splits.train, 60000}, std::pair{&*splits.test, 10000}}) {
        QCOMPARE(dataset->size(), int64_t(size));
        QCOMPARE(dataset->featureShape, (Shape{1, 28, 28}));
        QCOMPARE(dataset->featureBytes.size(), size_t(size) * 28 * 28);
        QCOMPARE(dataset->numClasses, int64_t(10));
        QCOMPARE(dataset->classNames, spec.classNames);
        const auto counts = classCounts(*dataset);
        QCOMPARE(counts.size(), size_t(10));
        QCOMPARE(counts.begin()->first, int64_t(0));
        QCOMPARE(counts.rbegin()->first, int64_t(9));
        const auto [low, high] = std::minmax_element(dataset->featureBytes.begin(), dataset->featureBytes.end());
        QCOMPARE(*low, uint8_t(0));
        QCOMPARE(*high, uint8_t(255));
        QCOMPARE(dataset->feature(int64_t(std::distance(dataset->featureBytes.begin(), high))), 1.0f);
    }
}

void TestData::relativePathsAndClassNames()
{
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("mnist")));
    writeFile(m_dir.filePath(QStringLiteral("mnist/img")), idxBytes({3, 2, 2}, counting(12)), true);
    writeFile(m_dir.filePath(QStringLiteral("mnist/lbl")), idxBytes({3}, QByteArray("\x00\x01\x01", 3)), false);
    writeFile(m_dir.filePath(QStringLiteral("mnist/test-img")), idxBytes({2, 2, 2}, counting(8)), false);
    writeFile(m_dir.filePath(QStringLiteral("mnist/test-lbl")), idxBytes({2}, QByteArray("\x02\x00", 2)), false);

    DatasetSpec spec = idxSpec({{"train_images", "mnist/img"}, {"train_labels", "mnist/lbl"}});
    DatasetSplits splits = loadDataset(spec, in(m_dir.path()));
    QCOMPARE(splits.train.size(), int64_t(3));
    QVERIFY(!splits.test);

    // The test set holds class 2, which the training set lacks: both see 3 classes.
    spec.params["test_images"] = "mnist/test-img";
    spec.params["test_labels"] = "mnist/test-lbl";
    spec.classNames = {"zero", "one", "two"};
    splits = loadDataset(spec, in(m_dir.path()));
    QVERIFY(splits.test);
    QCOMPARE(splits.test->size(), int64_t(2));
    QCOMPARE(splits.train.numClasses, int64_t(3));
    QCOMPARE(splits.test->classNames, spec.classNames);

    spec.classNames = {"zero", "one"};
    QVERIFY_THROWS_EXCEPTION(DataError, loadDataset(spec, in(m_dir.path())));
    spec.classNames.clear();
    spec.params["test_labels"] = "";
    QVERIFY_THROWS_EXCEPTION(DataError, loadDataset(spec, in(m_dir.path())));
    // Without a base folder the relative path is taken from the working folder.
    spec.params["test_images"] = "";
    QVERIFY_THROWS_EXCEPTION(DataError, loadDataset(spec, DataLoadContext{}));
}

void TestData::syntheticDeterministic_data()
{
    QTest::addColumn<QString>("generator");
    QTest::newRow("spiral") << "spiral";
    QTest::newRow("moons") << "moons";
    QTest::newRow("circles") << "circles";
    QTest::newRow("xor") << "xor";
    QTest::newRow("blobs") << "blobs";
    QTest::newRow("sine") << "sine";
}

void TestData::syntheticDeterministic()
{
    QFETCH(QString, generator);
    DatasetSpec spec = syntheticSpec({{"generator", str(generator)}, {"samples", 200}, {"seed", 7}});
    const Dataset first = loadDataset(spec, {}).train;
    const Dataset again = loadDataset(spec, {}).train;
    spec.params["seed"] = 8;
    const Dataset other = loadDataset(spec, {}).train;

    QCOMPARE(first.size(), int64_t(200));
    QCOMPARE(first.features, again.features);
    QCOMPARE(first.labels, again.labels);
    QCOMPARE(first.targets, again.targets);
    QVERIFY(first.features != other.features);
}

void TestData::syntheticBalanced_data()
{
    QTest::addColumn<QString>("generator");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("classes");
    QTest::newRow("spiral 3 arms") << "spiral" << 1000 << 3;
    QTest::newRow("spiral 5 arms") << "spiral" << 12 << 5;
    QTest::newRow("moons") << "moons" << 501 << 2;
    QTest::newRow("circles") << "circles" << 301 << 2;
    QTest::newRow("blobs") << "blobs" << 100 << 4;
}

void TestData::syntheticBalanced()
{
    QFETCH(QString, generator);
    QFETCH(int, samples);
    QFETCH(int, classes);
    const DatasetSpec spec = syntheticSpec({{"generator", str(generator)}, {"samples", samples},
                                            {"classes", classes}});
    const Dataset dataset = loadDataset(spec, {}).train;

    QCOMPARE(dataset.task, TaskType::Classification);
    QCOMPARE(dataset.numClasses, int64_t(classes));
    QCOMPARE(dataset.featureShape, (Shape{2}));
    QCOMPARE(dataset.features.size(), size_t(samples) * 2);
    const auto counts = classCounts(dataset);
    QCOMPARE(counts.size(), size_t(classes));
    for (const auto& [label, count] : counts) {
        QVERIFY(label >= 0 && label < classes);
        QVERIFY2(count == samples / classes || count == samples / classes + 1,
                 qPrintable(QStringLiteral("class %1 has %2 samples").arg(label).arg(count)));
    }
}

void TestData::syntheticGeometry()
{
    // Without noise every point lies exactly on its curve.
    const Dataset moons = makeTwoMoons(400, 0.0, 3);
    for (int64_t i = 0; i < moons.size(); ++i) {
        const double x = moons.features[size_t(2 * i)];
        const double y = moons.features[size_t(2 * i + 1)];
        const double radius = moons.labels[size_t(i)] == 0 ? std::hypot(x, y) : std::hypot(x - 1.0, y - 0.5);
        QVERIFY(std::abs(radius - 1.0) < 1e-5);
        QVERIFY(moons.labels[size_t(i)] == 0 ? y >= -1e-6 : y <= 0.5 + 1e-6);
    }

    const int64_t arms = 4;
    const Dataset spiral = makeSpiral(400, arms, 0.0, 3);
    for (int64_t i = 0; i < spiral.size(); ++i) {
        const double x = spiral.features[size_t(2 * i)];
        const double y = spiral.features[size_t(2 * i + 1)];
        const double radius = std::hypot(x, y);
        QVERIFY(radius <= 1.0 + 1e-6);
        // Each arm turns with its radius from its own starting angle.
        const double start = 2.0 * kPi * double(spiral.labels[size_t(i)]) / double(arms);
        const double offset = std::remainder(std::atan2(y, x) - start - 3.0 * kPi * radius, 2.0 * kPi);
        QVERIFY2(std::abs(offset) < 1e-3 || radius < 1e-3, qPrintable(QString::number(offset)));
    }
}

void TestData::sineNoiseIsStdDev()
{
    const Dataset clean = makeSine(500, 0.0, 5);
    QCOMPARE(clean.task, TaskType::Regression);
    QCOMPARE(clean.featureShape, (Shape{1}));
    QCOMPARE(clean.targetShape, (Shape{1}));
    QCOMPARE(clean.size(), int64_t(500));
    for (size_t i = 0; i < clean.features.size(); ++i) {
        QVERIFY(std::abs(clean.features[i]) <= kPi);
        QVERIFY(std::abs(clean.targets[i] - std::sin(clean.features[i])) < 1e-6);
    }

    const Dataset noisy = makeSine(20000, 0.25, 5);
    double sumSquares = 0.0;
    for (size_t i = 0; i < noisy.features.size(); ++i)
        sumSquares += std::pow(noisy.targets[i] - std::sin(noisy.features[i]), 2);
    const double stdDev = std::sqrt(sumSquares / double(noisy.features.size()));
    QVERIFY2(std::abs(stdDev - 0.25) < 0.01, qPrintable(QString::number(stdDev)));
}

void TestData::syntheticTestSet()
{
    DatasetSpec spec = syntheticSpec({{"samples", 300}});
    QVERIFY(!loadDataset(spec, {}).test);

    spec.params["test_samples"] = 90;
    const DatasetSplits splits = loadDataset(spec, {});
    QVERIFY(splits.test);
    QCOMPARE(splits.test->size(), int64_t(90));
    QCOMPARE(splits.test->numClasses, splits.train.numClasses);
    // Another seed: the test points are not the first training points again.
    const std::vector<float> head(splits.train.features.begin(), splits.train.features.begin() + 180);
    QVERIFY(splits.test->features != head);
}

void TestData::inputAsTarget()
{
    DatasetSpec spec = syntheticSpec({{"samples", 60}, {"test_samples", 20}});
    spec.classNames = {"a", "b", "c"}; // meaningless once the input is the target
    spec.target = DatasetSpec::Target::Input;
    const DatasetSplits splits = loadDataset(spec, {});
    for (const Dataset& dataset : {splits.train, *splits.test}) {
        QCOMPARE(dataset.task, TaskType::Regression);
        QCOMPARE(dataset.targetShape, dataset.featureShape);
        QCOMPARE(dataset.targets, dataset.features);
        QVERIFY(dataset.labels.empty());
        QCOMPARE(dataset.numClasses, int64_t(0));
    }
    QCOMPARE(splits.train.size(), int64_t(60));
}

void TestData::syntheticErrors_data()
{
    QTest::addColumn<QString>("generator");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("classes");
    QTest::addColumn<double>("noise");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("no samples") << "spiral" << 0 << 3 << 0.1
                                << "dataset.params.samples: parameter 'samples' must be between 1";
    QTest::newRow("one class") << "spiral" << 100 << 1 << 0.1 << "parameter 'classes' must be between 2";
    QTest::newRow("negative noise") << "moons" << 100 << 2 << -0.5 << "parameter 'noise' must be between 0";
    QTest::newRow("sine without samples") << "sine" << -4 << 2 << 0.1 << "got -4";
    QTest::newRow("more classes than samples") << "blobs" << 5 << 6 << 0.1
                                               << "classes must be between 2 and the number of samples";
    QTest::newRow("unknown generator") << "rings" << 100 << 2 << 0.1
                                       << "parameter 'generator' must be one of 'spiral'";
}

void TestData::syntheticErrors()
{
    QFETCH(QString, generator);
    QFETCH(int, samples);
    QFETCH(int, classes);
    QFETCH(double, noise);
    QFETCH(QString, fragment);
    const DatasetSpec spec = syntheticSpec({{"generator", str(generator)}, {"samples", samples},
                                            {"classes", classes}, {"noise", noise}});
    try {
        loadDataset(spec, {});
        QFAIL("no DataError");
    } catch (const DataError& error) {
        QVERIFY2(QString::fromStdString(error.what()).contains(fragment), error.what());
    }
}

QTEST_GUILESS_MAIN(TestData)
#include "tst_data.moc"
