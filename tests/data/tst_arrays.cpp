#include "data/npydataset.h"
#include "data/npyreader.h"

#include "common/datatestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <zip.h>

#include <algorithm>
#include <functional>

using namespace lepton;
using namespace lepton::testing;

namespace {

using Dims = std::vector<int64_t>;

// Python's repr of a shape tuple: "()", "(3,)", "(2, 3)".
QByteArray shapeRepr(const Dims& shape)
{
    QByteArray text = "(";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + QByteArray::number(qint64(shape[i]));
    return text + (shape.size() == 1 ? ",)" : ")");
}

// An .npy file around a header dict, padded as NumPy pads it.
QByteArray npyWithDict(QByteArray dict, const QByteArray& data, int version = 1)
{
    const int prelude = version == 1 ? 10 : 12;
    while ((prelude + dict.size() + 1) % 64)
        dict += ' ';
    dict += '\n';
    QByteArray bytes("\x93NUMPY", 6);
    bytes += char(version);
    bytes += char(0);
    const int lengthBytes = version == 1 ? 2 : 4;
    for (int i = 0; i < lengthBytes; ++i)
        bytes += char((dict.size() >> (8 * i)) & 0xFF);
    return bytes + dict + data;
}

QByteArray npyFile(const QByteArray& descr, const Dims& shape, const QByteArray& data, bool fortran = false,
                   int version = 1)
{
    return npyWithDict("{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                           + ", 'shape': " + shapeRepr(shape) + ", }",
                       data, version);
}

template <typename T>
QByteArray rawBytes(const std::vector<T>& values, bool bigEndian = false)
{
    QByteArray bytes(reinterpret_cast<const char*>(values.data()), qsizetype(values.size() * sizeof(T)));
    if (bigEndian) {
        for (qsizetype at = 0; at < bytes.size(); at += qsizetype(sizeof(T)))
            std::reverse(bytes.begin() + at, bytes.begin() + at + qsizetype(sizeof(T)));
    }
    return bytes;
}

// `values` (whole numbers or halves, exact in every dtype used) as `code`.
QByteArray encode(const QByteArray& code, const std::vector<double>& values, bool bigEndian)
{
    auto as = [&](auto zero) {
        std::vector<decltype(zero)> typed(values.begin(), values.end());
        return rawBytes(typed, bigEndian);
    };
    if (code == "f4")
        return as(float());
    if (code == "f8")
        return as(double());
    if (code == "u1")
        return as(uint8_t());
    if (code == "i4")
        return as(int32_t());
    return as(int64_t());
}

double sampleValue(const QByteArray& code, int64_t k)
{
    if (code == "u1")
        return double((k * 37) % 256);
    if (code == "i4")
        return double(k * 1000003 - 50000);
    if (code == "i8")
        return double(k * 10000000007LL - 3);
    return double(k) * 1.25 - 7.5;
}

// Offset of C-order element `index` in a Fortran-order layout of `shape`.
int64_t fortranOffset(int64_t index, const Dims& shape)
{
    int64_t offset = 0, stride = 1;
    std::vector<int64_t> at(shape.size());
    for (size_t d = shape.size(); d-- > 0;) {
        at[d] = index % shape[d];
        index /= shape[d];
    }
    for (size_t d = 0; d < shape.size(); ++d) {
        offset += at[d] * stride;
        stride *= shape[d];
    }
    return offset;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), qint64(bytes.size()));
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Member {
    QByteArray name;
    QByteArray bytes;
};

// An .npz archive written with libzip, every member stored or deflated.
void writeNpz(const QString& path, const std::vector<Member>& members, bool deflate)
{
    QFile::remove(path);
    int code = 0;
    zip_t* zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    QVERIFY(zip);
    for (const Member& member : members) {
        zip_source_t* source = zip_source_buffer(zip, member.bytes.constData(), zip_uint64_t(member.bytes.size()), 0);
        QVERIFY(source);
        const zip_int64_t index = zip_file_add(zip, member.name.constData(), source, ZIP_FL_OVERWRITE);
        QVERIFY(index >= 0);
        QCOMPARE(zip_set_file_compression(zip, zip_uint64_t(index), deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0), 0);
    }
    QCOMPARE(zip_close(zip), 0);
}

// Rewrites the uncompressed size the archive records for its one member,
// in the local header and in the central directory.
void forgeSize(const QString& path, uint32_t size)
{
    QByteArray bytes = readFile(path);
    const qsizetype local = bytes.indexOf(QByteArray("PK\x03\x04", 4));
    const qsizetype central = bytes.indexOf(QByteArray("PK\x01\x02", 4));
    QVERIFY(local >= 0 && central > local);
    for (qsizetype at : {local + 22, central + 24}) {
        for (int i = 0; i < 4; ++i)
            bytes[at + i] = char((size >> (8 * i)) & 0xFF);
    }
    writeFile(path, bytes);
}

} // namespace

class TestArrays : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readNpy_data();
    void readNpy();
    void fortranTransposed();
    void npyErrors_data();
    void npyErrors();
    void readNpz_data();
    void readNpz();
    void npzErrors_data();
    void npzErrors();
    void datasetFromFiles();
    void imageLayouts_data();
    void imageLayouts();
    void labelTasks_data();
    void labelTasks();
    void datasetFromArchive();
    void datasetErrors_data();
    void datasetErrors();

private:
    QString path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)); }

    QTemporaryDir m_dir;
};

void TestArrays::readNpy_data()
{
    QTest::addColumn<QByteArray>("descr");
    QTest::addColumn<int>("version");
    QTest::addColumn<bool>("fortran");
    QTest::addColumn<Dims>("shape");
    QTest::addColumn<int>("dtype");

    const int f32 = int(NpyArray::DType::Float32), f64 = int(NpyArray::DType::Float64);
    const int u8 = int(NpyArray::DType::UInt8), i32 = int(NpyArray::DType::Int32), i64 = int(NpyArray::DType::Int64);
    QTest::newRow("float32 little, v1, C") << QByteArray("<f4") << 1 << false << Dims{2, 3} << f32;
    QTest::newRow("float32 big, v1, Fortran") << QByteArray(">f4") << 1 << true << Dims{3, 4} << f32;
    QTest::newRow("float64 little, v2, Fortran 3-D") << QByteArray("<f8") << 2 << true << Dims{2, 3, 4} << f64;
    QTest::newRow("float64 big, v3, C") << QByteArray(">f8") << 3 << false << Dims{5} << f64;
    QTest::newRow("uint8, v1, Fortran") << QByteArray("|u1") << 1 << true << Dims{3, 5} << u8;
    QTest::newRow("int32 little, v1, Fortran 3-D") << QByteArray("<i4") << 1 << true << Dims{4, 3, 2} << i32;
    QTest::newRow("int32 big, v2, C") << QByteArray(">i4") << 2 << false << Dims{2, 2} << i32;
    QTest::newRow("int64 little, v1, C") << QByteArray("<i8") << 1 << false << Dims{7} << i64;
    QTest::newRow("int64 big, v1, Fortran 4-D") << QByteArray(">i8") << 1 << true << Dims{2, 2, 2, 3} << i64;
    QTest::newRow("empty (0, 3)") << QByteArray("<f4") << 1 << false << Dims{0, 3} << f32;
    QTest::newRow("scalar ()") << QByteArray("<f8") << 1 << false << Dims{} << f64;
}

void TestArrays::readNpy()
{
    QFETCH(QByteArray, descr);
    QFETCH(int, version);
    QFETCH(bool, fortran);
    QFETCH(Dims, shape);
    QFETCH(int, dtype);

    int64_t count = 1;
    for (int64_t dim : shape)
        count *= dim;
    const QByteArray code = descr.mid(1);
    std::vector<double> expected(static_cast<size_t>(count)), stored(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
        expected[size_t(i)] = sampleValue(code, i);
        stored[size_t(fortran ? fortranOffset(i, shape) : i)] = expected[size_t(i)];
    }
    const QByteArray bytes = npyFile(descr, shape, encode(code, stored, descr[0] == '>'), fortran, version);
    writeFile(path("array.npy"), bytes);

    for (const NpyArray& array :
         {lepton::readNpy(str(path("array.npy"))), parseNpy({bytes.constData(), size_t(bytes.size())}, "array.npy")}) {
        QCOMPARE(int(array.dtype()), dtype);
        QCOMPARE(array.shape, shape);
        QCOMPARE(array.size(), count);
        for (int64_t i = 0; i < count; ++i)
            QCOMPARE(array.at(i), expected[size_t(i)]);
    }
}

void TestArrays::fortranTransposed()
{
    // np.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores its columns one after another.
    const QByteArray bytes = npyFile("<i8", {2, 3}, rawBytes(std::vector<int64_t>{1, 4, 2, 5, 3, 6}), true);
    const NpyArray array = parseNpy({bytes.constData(), size_t(bytes.size())}, "f.npy");
    QCOMPARE(std::get<std::vector<int64_t>>(array.values), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
}

void TestArrays::npyErrors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("fragment");

    const QByteArray image = npyFile("<f4", {28, 28}, QByteArray(3136, '\0'));
    QByteArray badMagic = image;
    badMagic[5] = 'X';
    QByteArray version4 = image;
    version4[6] = 4;
    QTest::newRow("bad magic") << badMagic << "not a NumPy .npy file (bad magic at offset 0)";
    QTest::newRow("empty file") << QByteArray() << "ends after 0 bytes, inside the NPY header";
    QTest::newRow("truncated header") << image.left(30)
                                      << "ends after 30 bytes, inside the NPY header (which ends at offset 128)";
    QTest::newRow("truncated data") << image.left(128 + 100)
                                    << "expected 3136 bytes of data at offset 128 (float32 (28, 28)), file has 100";
    QTest::newRow("trailing bytes") << image + "xyz" << "has 3 trailing bytes after the data, at offset 3264";
    QTest::newRow("version 4.0") << version4 << "unsupported NPY format version 4.0 at offset 6";
    QByteArray longHeader = npyFile("<f4", {1}, QByteArray(4, '\0'), false, 2);
    longHeader[11] = 0x7F;
    QTest::newRow("header length") << longHeader << "at offset 8 is larger than any NPY header";
    QTest::newRow("object array") << npyFile("|O", {3}, QByteArray(24, '\0'))
                                  << "dtype '|O' (Python objects) is not supported; nothing is ever unpickled";
    QTest::newRow("structured dtype")
        << npyWithDict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", QByteArray(8, '\0'))
        << "bad header at offset 20: structured dtypes (records of named fields) are not supported";
    QTest::newRow("unsupported dtype") << npyFile("<i2", {2}, QByteArray(4, '\0'))
                                       << "dtype '<i2' is not supported (float32, float64, uint8, int32 and int64 are)";
    QTest::newRow("shape overflow") << npyFile("<f4", {int64_t(1) << 62, 4}, {})
                                    << "shape (4611686018427387904, 4) is too large to address";
    QTest::newRow("absurd shape") << npyFile("<f4", {1000000000, 1000}, QByteArray(16, '\0'))
                                  << "expected 4000000000000 bytes of data at offset 128 (float32 (1000000000, 1000)), "
                                     "file has 16";
    QTest::newRow("dimension too large")
        << npyWithDict("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", {})
        << "bad header at offset 61: dimension too large";
    QTest::newRow("negative dimension")
        << npyWithDict("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", {})
        << "bad header at offset 61: expected a non-negative integer in the shape";
    QTest::newRow("missing key") << npyWithDict("{'descr': '<f4', 'shape': (2,), }", QByteArray(8, '\0'))
                                 << "the header lacks 'fortran_order'";
    QTest::newRow("unknown key")
        << npyWithDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", QByteArray(8, '\0'))
        << "bad header at offset 66: unexpected key 'x'";
    QTest::newRow("repeated key")
        << npyWithDict("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", QByteArray(8, '\0'))
        << "bad header at offset 27: key 'descr' appears twice";
    QTest::newRow("missing colon") << npyWithDict("{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}", {})
                                   << "bad header at offset 19: expected ':' after 'descr'";
    QTest::newRow("not a bool") << npyWithDict("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", {})
                                << "bad header at offset 44: expected True or False for 'fortran_order'";
    QTest::newRow("text after the dict")
        << npyWithDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk", QByteArray(8, '\0'))
        << "bad header at offset 66: unexpected text after the header dict";
}

void TestArrays::npyErrors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, fragment);
    const QString file = path("bad.npy");
    writeFile(file, bytes);
    const QString fromFile = errorOf([&] { lepton::readNpy(str(file)); });
    QVERIFY2(fromFile.startsWith(file + ": ") && fromFile.contains(fragment), qPrintable(fromFile));
    const QString fromMemory = errorOf([&] { parseNpy({bytes.constData(), size_t(bytes.size())}, "bad.npy"); });
    QCOMPARE(fromMemory, "bad.npy: " + fromFile.mid(file.size() + 2));
}

void TestArrays::readNpz_data()
{
    QTest::addColumn<bool>("deflate");
    QTest::newRow("stored") << false;
    QTest::newRow("deflated") << true;
}

void TestArrays::readNpz()
{
    QFETCH(bool, deflate);
    const QString file = path("pair.npz");
    writeNpz(file,
             {{"x.npy", npyFile("<f4", {2, 3}, rawBytes(std::vector<float>{0.5f, 1, 2, 3, 4, 5.25f}))},
              {"y.npy", npyFile(">i8", {2}, rawBytes(std::vector<int64_t>{7, -1}, true))},
              {"notes.txt", "not an array"}},
             deflate);

    QCOMPARE(npzMembers(str(file)), (std::vector<std::string>{"x", "y"}));
    const std::map<std::string, NpyArray> arrays = lepton::readNpz(str(file));
    QCOMPARE(arrays.size(), size_t(2));
    QCOMPARE(arrays.at("x").shape, (Dims{2, 3}));
    QCOMPARE(std::get<std::vector<float>>(arrays.at("x").values), (std::vector<float>{0.5f, 1, 2, 3, 4, 5.25f}));
    QCOMPARE(std::get<std::vector<int64_t>>(arrays.at("y").values), (std::vector<int64_t>{7, -1}));

    const auto onlyY = lepton::readNpz(str(file), {"y"});
    QCOMPARE(onlyY.size(), size_t(1));
    QVERIFY(onlyY.count("y"));
}

void TestArrays::npzErrors_data()
{
    QTest::addColumn<QByteArray>("member"); // the .npy bytes of x.npy
    QTest::addColumn<bool>("deflate");
    QTest::addColumn<qint64>("forgedSize"); // -1: as written
    QTest::addColumn<bool>("corrupt");      // flip a bit of the stored data
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<QString>("fragment");

    const qint64 defaultLimit = kDefaultInflateLimit;
    const qint64 mib = 1 << 20;
    const qint64 header = npyFile("|u1", {16}, {}).size(); // 128 bytes for every member below
    // Zeros deflate about a thousandfold: a bomb's payload.
    QTest::newRow("beyond the limit") << npyFile("|u1", {32 * mib}, QByteArray(32 * mib, '\0')) << true
                                      << qint64(-1) << false << 8 * mib
                                      << "(member 'x.npy'): inflating it needs 32.0 MiB, more than the 8.0 MiB limit";
    QTest::newRow("header claims a huge shape")
        << npyFile("|u1", {int64_t(1) << 40}, QByteArray(mib, '\0')) << true << qint64(-1) << false << defaultLimit
        << "(member 'x.npy'): the archive says it inflates to 1048704 bytes but its header promises 1099511627904 "
           "(uint8 (1099511627776,)); refusing";
    QTest::newRow("entry and header agree on a huge size")
        << npyFile("|u1", {3LL << 30}, QByteArray(mib, '\0')) << true << header + (3LL << 30) << false
        << qint64(1LL << 30) << "inflating it needs 3.0 GiB, more than the 1.0 GiB limit; refusing";
    QTest::newRow("entry lies about its size")
        << npyFile("|u1", {16}, QByteArray(16 + 8 * mib, '\0')) << true << header + 16 << false << defaultLimit
        << "(member 'x.npy'): inflates to more than the 144 bytes its header promises; refusing";
    QTest::newRow("entry claims more than it holds")
        << npyFile("|u1", {16}, QByteArray(16, '\0')) << false << header + 1000 << false << defaultLimit
        << "the archive says it inflates to 1128 bytes but its header promises 144";
    QTest::newRow("corrupt data") << npyFile("|u1", {16}, QByteArray(16, '\x05')) << false << qint64(-1)
                                  << true << defaultLimit << "(member 'x.npy'): cannot inflate: CRC error";
    QTest::newRow("bad member") << QByteArray("not numpy at all") << true << qint64(-1) << false << defaultLimit
                                << "(member 'x.npy'): not a NumPy .npy file (bad magic at offset 0)";
    QTest::newRow("object member") << npyFile("|O", {2}, QByteArray(16, '\0')) << true << qint64(-1) << false
                                   << defaultLimit << "(member 'x.npy'): dtype '|O' (Python objects) is not supported";
}

void TestArrays::npzErrors()
{
    QFETCH(QByteArray, member);
    QFETCH(bool, deflate);
    QFETCH(qint64, forgedSize);
    QFETCH(bool, corrupt);
    QFETCH(qint64, limit);
    QFETCH(QString, fragment);

    const QString file = path("bad.npz");
    writeNpz(file, {{"x.npy", member}}, deflate);
    if (forgedSize >= 0)
        forgeSize(file, uint32_t(forgedSize));
    if (corrupt) {
        QByteArray bytes = readFile(file);
        const qsizetype at = bytes.indexOf(member);
        QVERIFY(at > 0);
        bytes[at + member.size() - 1] = char(bytes[at + member.size() - 1] ^ 0x40);
        writeFile(file, bytes);
    }
    const QString message = errorOf([&] { lepton::readNpz(str(file), {}, limit); });
    QVERIFY2(message.startsWith(file) && message.contains(fragment), qPrintable(message));
}

void TestArrays::datasetFromFiles()
{
    writeFile(path("x.npy"), npyFile("<f4", {4, 3}, rawBytes(std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})));
    writeFile(path("y.npy"), npyFile("<i8", {4}, rawBytes(std::vector<int64_t>{2, 0, 1, 2})));
    NpyDatasetOptions options;
    options.features = str(path("x.npy"));
    options.labels = str(path("y.npy"));
    const DatasetSplits splits = loadNpyDataset(options);
    const Dataset& data = splits.train;
    QVERIFY(!splits.test);
    QCOMPARE(data.name, std::string("x.npy"));
    QCOMPARE(data.task, TaskType::Classification);
    QCOMPARE(data.featureShape, (Shape{3}));
    QCOMPARE(data.features, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
    QCOMPARE(data.labels, (std::vector<int64_t>{2, 0, 1, 2}));
    QCOMPARE(data.numClasses, int64_t(3));
    QCOMPARE(data.encoding["features"]["dtype"], "float32");
    QCOMPARE(data.encoding["labels"]["task"], "classification");

    // A test pair; its class 5 widens the shared class list.
    writeFile(path("tx.npy"), npyFile("<f8", {2, 3}, rawBytes(std::vector<double>{1, 2, 3, 4, 5, 6})));
    writeFile(path("ty.npy"), npyFile("|u1", {2}, QByteArray("\x05\x00", 2)));
    options.testFeatures = str(path("tx.npy"));
    options.testLabels = str(path("ty.npy"));
    const DatasetSplits both = loadNpyDataset(options);
    QVERIFY(both.test);
    QCOMPARE(both.test->features, (std::vector<float>{1, 2, 3, 4, 5, 6}));
    QCOMPARE(both.test->labels, (std::vector<int64_t>{5, 0}));
    QCOMPARE(both.train.numClasses, int64_t(6));
    QCOMPARE(both.test->numClasses, int64_t(6));
}

void TestArrays::imageLayouts_data()
{
    QTest::addColumn<QByteArray>("descr");
    QTest::addColumn<Dims>("shape");
    QTest::addColumn<int>("images"); // NpyDatasetOptions::Images
    QTest::addColumn<Shape>("sample");
    QTest::addColumn<bool>("bytes");
    QTest::addColumn<bool>("channelsLast"); // the file is N x H x W x C

    const int autoMode = int(NpyDatasetOptions::Images::Auto), yes = int(NpyDatasetOptions::Images::Yes);
    const int no = int(NpyDatasetOptions::Images::No);
    QTest::newRow("uint8 N x H x W") << QByteArray("|u1") << Dims{2, 3, 4} << autoMode << Shape{1, 3, 4} << true << false;
    QTest::newRow("uint8 N x H x W x 3") << QByteArray("|u1") << Dims{2, 3, 4, 3} << autoMode << Shape{3, 3, 4} << true
                                         << true;
    QTest::newRow("uint8 N x H x W x 1") << QByteArray("|u1") << Dims{2, 3, 4, 1} << autoMode << Shape{1, 3, 4} << true
                                         << true;
    QTest::newRow("uint8 N x 3 x H x W") << QByteArray("|u1") << Dims{2, 3, 5, 6} << autoMode << Shape{3, 5, 6} << true
                                         << false;
    QTest::newRow("uint8 N x D is not images") << QByteArray("|u1") << Dims{2, 5} << autoMode << Shape{5} << false
                                               << false;
    QTest::newRow("uint8 N x H x W, images off") << QByteArray("|u1") << Dims{2, 3, 4} << no << Shape{3, 4} << false
                                                 << false;
    QTest::newRow("float32 N x H x W stays plain") << QByteArray("<f4") << Dims{2, 3, 4} << autoMode << Shape{3, 4}
                                                   << false << false;
    QTest::newRow("float64 images on") << QByteArray("<f8") << Dims{2, 3, 4} << yes << Shape{1, 3, 4} << false << false;
    QTest::newRow("float32 N x H x W x 4, images on") << QByteArray("<f4") << Dims{2, 2, 3, 4} << yes << Shape{4, 2, 3}
                                                      << false << true;
    QTest::newRow("int32 N") << QByteArray("<i4") << Dims{3} << autoMode << Shape{1} << false << false;
}

void TestArrays::imageLayouts()
{
    QFETCH(QByteArray, descr);
    QFETCH(Dims, shape);
    QFETCH(int, images);
    QFETCH(Shape, sample);
    QFETCH(bool, bytes);
    QFETCH(bool, channelsLast);

    int64_t count = 1;
    for (int64_t dim : shape)
        count *= dim;
    std::vector<double> values(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        values[size_t(i)] = double(i % 251);
    writeFile(path("img.npy"), npyFile(descr, shape, encode(descr.mid(1), values, false)));
    writeFile(path("lbl.npy"), npyFile("<i8", {shape[0]}, rawBytes(std::vector<int64_t>(size_t(shape[0]), 0))));
    NpyDatasetOptions options;
    options.features = str(path("img.npy"));
    options.labels = str(path("lbl.npy"));
    options.images = NpyDatasetOptions::Images(images);
    const Dataset data = loadNpyDataset(options).train;

    QCOMPARE(data.featureShape, sample);
    QCOMPARE(data.storesBytes(), bytes);
    QCOMPARE(int64_t(data.storedValues()), count);
    QVERIFY(!data.mapped); // small arrays are read
    QVERIFY(bytes ? data.features.empty() : data.featureBytes.empty());
    for (int64_t i = 0; i < count; ++i) {
        int64_t source = i;
        if (channelsLast) { // planar [c][y][x] from interleaved [y][x][c]
            const int64_t perSample = count / shape[0], channels = shape[3], area = shape[1] * shape[2];
            const int64_t n = i / perSample, c = (i % perSample) / area, p = i % area;
            source = n * perSample + p * channels + c;
        }
        const auto at = size_t(i);
        QCOMPARE(bytes ? double(data.byteData()[at]) : double(data.floatData()[at]), values[size_t(source)]);
    }
}

void TestArrays::labelTasks_data()
{
    QTest::addColumn<QByteArray>("labels"); // an .npy file for 3 samples
    QTest::addColumn<int>("task");          // NpyDatasetOptions::Task
    QTest::addColumn<bool>("classification");
    QTest::addColumn<Shape>("targetShape");
    QTest::addColumn<QString>("error"); // empty: loads

    const int autoTask = int(NpyDatasetOptions::Task::Auto);
    const int classes = int(NpyDatasetOptions::Task::Classification);
    const int regression = int(NpyDatasetOptions::Task::Regression);
    const QByteArray ints = npyFile("<i4", {3}, rawBytes(std::vector<int32_t>{0, 4, 1}));
    const QByteArray wholeFloats = npyFile("<f4", {3}, rawBytes(std::vector<float>{1, 0, 2}));
    const QByteArray floats = npyFile("<f8", {3}, rawBytes(std::vector<double>{0.5, 1, 2}));
    QTest::newRow("int32 labels") << ints << autoTask << true << Shape{} << QString();
    QTest::newRow("int N x 1 labels") << npyFile("|u1", {3, 1}, QByteArray("\x01\x02\x00", 3)) << autoTask << true
                                      << Shape{} << QString();
    QTest::newRow("whole floats are classes") << wholeFloats << autoTask << true << Shape{} << QString();
    QTest::newRow("fractional floats regress") << floats << autoTask << false << Shape{1} << QString();
    QTest::newRow("N x 2 regresses") << npyFile("<f4", {3, 2}, rawBytes(std::vector<float>{1, 2, 3, 4, 5, 6}))
                                     << autoTask << false << Shape{2} << QString();
    QTest::newRow("ints as regression") << ints << regression << false << Shape{1} << QString();
    QTest::newRow("fractional class") << floats << classes << true << Shape{}
                                      << "label 0.5 at index 0 is not a class number";
    QTest::newRow("negative class") << npyFile("<i8", {3}, rawBytes(std::vector<int64_t>{0, 1, -1})) << autoTask
                                    << true << Shape{} << "label -1 at index 2 is negative; classes are numbered from 0";
    QTest::newRow("huge class") << npyFile("<i8", {3}, rawBytes(std::vector<int64_t>{0, 1, 5000000})) << autoTask
                                << true << Shape{} << "label 5e+06 at index 2 is beyond the 100000 classes supported";
    QTest::newRow("N x 2 as classes") << npyFile("<i4", {3, 2}, QByteArray(24, '\0')) << classes << true << Shape{}
                                      << "classification needs one label per sample, got shape (3, 2)";
    QTest::newRow("NaN target") << npyFile("<f4", {3}, rawBytes(std::vector<float>{1, NAN, 0.5f})) << autoTask
                                << false << Shape{} << "target nan of sample 1 is not a finite number";
    QTest::newRow("count mismatch") << npyFile("<i4", {2}, QByteArray(8, '\0')) << autoTask << true << Shape{}
                                    << "has 2 labels but";
}

void TestArrays::labelTasks()
{
    QFETCH(QByteArray, labels);
    QFETCH(int, task);
    QFETCH(bool, classification);
    QFETCH(Shape, targetShape);
    QFETCH(QString, error);

    writeFile(path("feat.npy"), npyFile("<f4", {3, 2}, rawBytes(std::vector<float>{1, 2, 3, 4, 5, 6})));
    writeFile(path("lab.npy"), labels);
    NpyDatasetOptions options;
    options.features = str(path("feat.npy"));
    options.labels = str(path("lab.npy"));
    options.task = NpyDatasetOptions::Task(task);
    if (!error.isEmpty()) {
        const QString message = errorOf([&] { loadNpyDataset(options); });
        QVERIFY2(message.startsWith(path("lab.npy") + ": ") && message.contains(error), qPrintable(message));
        return;
    }
    const Dataset data = loadNpyDataset(options).train;
    QCOMPARE(data.size(), int64_t(3));
    QCOMPARE(data.task == TaskType::Classification, classification);
    if (classification) {
        QCOMPARE(int64_t(data.labels.size()), int64_t(3));
        QCOMPARE(data.numClasses, *std::max_element(data.labels.begin(), data.labels.end()) + 1);
    } else {
        QCOMPARE(data.targetShape, targetShape);
        QCOMPARE(int64_t(data.targets.size()), 3 * shapeElementCount(targetShape));
    }
}

void TestArrays::datasetFromArchive()
{
    // Keras's mnist.npz layout: uint8 images, uint8 labels, its own test set.
    const QByteArray pixels(2 * 2 * 3, '\x80');
    const QString file = path("mnist.npz");
    writeNpz(file,
             {{"x_train.npy", npyFile("|u1", {3, 2, 2}, pixels)},
              {"y_train.npy", npyFile("|u1", {3}, QByteArray("\x01\x00\x01", 3))},
              {"x_test.npy", npyFile("|u1", {1, 2, 2}, pixels.left(4))},
              {"y_test.npy", npyFile("|u1", {1}, QByteArray("\x02", 1))}},
             true);
    NpyDatasetOptions options;
    options.archive = str(file);
    DatasetSplits splits = loadNpyDataset(options);
    QCOMPARE(splits.train.featureShape, (Shape{1, 2, 2}));
    QVERIFY(splits.train.storesBytes());
    QCOMPARE(splits.train.labels, (std::vector<int64_t>{1, 0, 1}));
    QVERIFY(splits.test);
    QCOMPARE(splits.test->labels, (std::vector<int64_t>{2}));
    QCOMPARE(splits.train.numClasses, int64_t(3));
    QCOMPARE(splits.train.encoding["features"]["array"], str(file) + "['x_train']");

    // Named members, no test set.
    options.featuresKey = "x_test";
    options.labelsKey = "y_test";
    splits = loadNpyDataset(options);
    QCOMPARE(splits.train.size(), int64_t(1));
    QVERIFY(!splits.test);

    // x / y when there is no x_train.
    writeNpz(file, {{"x.npy", npyFile("<f4", {2, 1}, rawBytes(std::vector<float>{1, 2}))},
                    {"y.npy", npyFile("<f4", {2}, rawBytes(std::vector<float>{0.25f, 0.5f}))}},
             false);
    options = {};
    options.archive = str(file);
    splits = loadNpyDataset(options);
    QCOMPARE(splits.train.task, TaskType::Regression);
    QCOMPARE(splits.train.targets, (std::vector<float>{0.25f, 0.5f}));
}

void TestArrays::datasetErrors_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("no labels file") << "files without labels" << "needs both a features file and a labels file";
    QTest::newRow("missing member") << "archive keyed q" << "has no array 'q' (it holds: x, y)";
    QTest::newRow("test shape differs") << "test of another shape"
                                        << "test samples are [3] floats but the training samples";
    QTest::newRow("no samples") << "no samples" << "holds no samples (shape (0, 2))";
    QTest::newRow("not images") << "images forced on vectors" << "holds (2, 5), not images";
}

void TestArrays::datasetErrors()
{
    QFETCH(QString, setup);
    QFETCH(QString, fragment);
    writeFile(path("ex.npy"), npyFile("<f4", {2, 5}, QByteArray(40, '\0')));
    writeFile(path("ey.npy"), npyFile("<i8", {2}, QByteArray(16, '\0')));
    NpyDatasetOptions options;
    options.features = str(path("ex.npy"));
    options.labels = str(path("ey.npy"));
    if (setup == "files without labels") {
        options.labels.clear();
    } else if (setup == "archive keyed q") {
        writeNpz(path("e.npz"), {{"x.npy", npyFile("<f4", {2}, QByteArray(8, '\0'))},
                                 {"y.npy", npyFile("<f4", {2}, QByteArray(8, '\0'))}},
                 false);
        options = {};
        options.archive = str(path("e.npz"));
        options.featuresKey = "q";
        options.labelsKey = "y";
    } else if (setup == "test of another shape") {
        writeFile(path("etx.npy"), npyFile("<f4", {1, 3}, QByteArray(12, '\0')));
        writeFile(path("ety.npy"), npyFile("<i8", {1}, QByteArray(8, '\0')));
        options.testFeatures = str(path("etx.npy"));
        options.testLabels = str(path("ety.npy"));
    } else if (setup == "no samples") {
        writeFile(path("ex.npy"), npyFile("<f4", {0, 2}, {}));
        writeFile(path("ey.npy"), npyFile("<i8", {0}, {}));
    } else if (setup == "images forced on vectors") {
        options.images = NpyDatasetOptions::Images::Yes;
    }
    const QString message = errorOf([&] { loadNpyDataset(options); });
    QVERIFY2(message.contains(fragment), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestArrays)
#include "tst_arrays.moc"
