#include "data/dataprofile.h"
#include "data/imagedecoder.h"
#include "data/imagefolder.h"

#include "common/datatestutil.h"
#include "common/imagetestutil.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace lepton;
using namespace lepton::testing;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), qint64(bytes.size()));
}

// A PNG signature and IHDR chunk declaring width x height RGB, then nothing:
// what a decompression bomb shows before its data.
QByteArray pngHeader(uint32_t width, uint32_t height)
{
    QByteArray bytes("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    for (uint32_t value : {width, height}) {
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes += char((value >> shift) & 0xFF);
    }
    return bytes + QByteArray("\x08\x02\0\0\0\0\0\0\0", 9);
}

// A BMP with a BITMAPINFOHEADER: `palette` holds B, G, R, 0 per colour,
// `pixels` the rows bottom-up, each padded to 4 bytes.
QByteArray bmp(int width, int height, int bits, int compression, const QByteArray& palette, const QByteArray& pixels)
{
    QByteArray header(54, '\0');
    const auto put = [&](int at, int64_t value, int size) {
        for (int i = 0; i < size; ++i)
            header[at + i] = char((value >> (8 * i)) & 0xFF);
    };
    header[0] = 'B';
    header[1] = 'M';
    put(2, 54 + palette.size() + pixels.size(), 4);
    put(10, 54 + palette.size(), 4);
    put(14, 40, 4);
    put(18, width, 4);
    put(22, height, 4);
    put(26, 1, 2);
    put(28, bits, 2);
    put(30, compression, 4);
    put(46, palette.size() / 4, 4);
    return header + palette + pixels;
}

QByteArray contents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Values of channel `c` of sample `i` in a [C, H, W] byte dataset.
std::vector<uint8_t> plane(const Dataset& data, int64_t i, int64_t c)
{
    const int64_t area = data.featureShape[1] * data.featureShape[2];
    const auto begin = data.featureBytes.begin() + i * data.featuresPerSample() + c * area;
    return {begin, begin + area};
}

bool near(const std::vector<uint8_t>& values, int expected, int tolerance)
{
    return std::all_of(values.begin(), values.end(), [&](uint8_t v) { return std::abs(int(v) - expected) <= tolerance; });
}

} // namespace

class TestImages : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listing();
    void colourAuto();
    void grayscale();
    void grayAuto();
    void planarLayout();
    void resizing();
    void unreadableSkipped();
    void strictMode();
    void testFolder();
    void deterministic();
    void stopFlag();
    void perBatchDecoding();
    void autoDecodingFollowsTheBudget();
    void errors_data();
    void errors();
    void hugeImagesRefused_data();
    void hugeImagesRefused();
    void bmpPalette();
    void corruptFiles_data();
    void corruptFiles();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    std::string root(const char* name) const { return str(path(QString::fromUtf8(name))); }

    QTemporaryDir m_dir;
};

// pets/: cat holds a colour PNG, a gray JPEG, a colour BMP and a gray PNG in
// a subfolder; dog one gray PNG; files to ignore around them.
void TestImages::initTestCase()
{
    writeImage(path("pets/cat/a.png"), 8, 6, solid(8, 6, {200, 40, 10}));
    writeImage(path("pets/cat/B.JPG"), 8, 6, solid(8, 6, {128}));
    writeImage(path("pets/cat/c.bmp"), 5, 5, solid(5, 5, {0, 0, 255}));
    writeImage(path("pets/cat/sub/d.PNG"), 4, 4, solid(4, 4, {90}));
    writeImage(path("pets/dog/e.png"), 3, 2, solid(3, 2, {30}));
    writeFile(path("pets/cat/notes.txt"), "not an image");
    writeImage(path("pets/cat/.hidden.png"), 2, 2, solid(2, 2, {1}));
    writeImage(path("pets/.cache/x/y.png"), 2, 2, solid(2, 2, {1}));
    writeFile(path("pets/readme.txt"), "a file beside the classes");
}

void TestImages::listing()
{
    const ImageFolderListing listing = listImageFolder(root("pets"));
    QCOMPARE(listing.classNames, (std::vector<std::string>{"cat", "dog"}));
    QCOMPARE(listing.files.size(), size_t(2));
    QCOMPARE(listing.files[0], (std::vector<std::string>{root("pets/cat/B.JPG"), root("pets/cat/a.png"),
                                                        root("pets/cat/c.bmp"), root("pets/cat/sub/d.PNG")}));
    QCOMPARE(listing.files[1], (std::vector<std::string>{root("pets/dog/e.png")}));
    QCOMPARE(listing.imageCount(), int64_t(5));
}

void TestImages::colourAuto()
{
    ImageFolderOptions options;
    options.root = root("pets");
    options.width = 4;
    options.height = 4;
    const DatasetSplits splits = loadImageFolder(options);
    const Dataset& data = splits.train;
    QVERIFY(!splits.test);
    QCOMPARE(data.name, std::string("pets"));
    QCOMPARE(data.featureShape, (Shape{3, 4, 4}));
    QVERIFY(data.features.empty());
    QCOMPARE(data.featureBytes.size(), size_t(5 * 3 * 16));
    QCOMPARE(data.labels, (std::vector<int64_t>{0, 0, 0, 0, 1}));
    QCOMPARE(data.numClasses, int64_t(2));
    QCOMPARE(data.classNames, (std::vector<std::string>{"cat", "dog"}));
    QVERIFY(data.unreadable.empty());
    QCOMPARE(data.encoding["channels"], 3);
    QCOMPARE(data.encoding["width"], 4);

    // B.JPG, gray, has its plane repeated; a.png keeps its colour.
    for (int c = 0; c < 3; ++c)
        QVERIFY(near(plane(data, 0, c), 128, 2));
    QVERIFY(near(plane(data, 1, 0), 200, 1));
    QVERIFY(near(plane(data, 1, 1), 40, 1));
    QVERIFY(near(plane(data, 1, 2), 10, 1));
    QVERIFY(near(plane(data, 2, 2), 255, 1));
    QVERIFY(near(plane(data, 2, 0), 0, 1));
}

void TestImages::grayscale()
{
    ImageFolderOptions options;
    options.root = root("pets");
    options.width = 4;
    options.height = 4;
    options.channels = 1;
    const Dataset data = loadImageFolder(options).train;
    QCOMPARE(data.featureShape, (Shape{1, 4, 4}));
    QCOMPARE(data.featureBytes.size(), size_t(5 * 16));
    // stb_image's luma: (77 r + 150 g + 29 b) / 256.
    QVERIFY(near(plane(data, 1, 0), (77 * 200 + 150 * 40 + 29 * 10) >> 8, 1));
    QVERIFY(near(plane(data, 4, 0), 30, 1));
}

void TestImages::grayAuto()
{
    writeImage(path("gray/one/a.png"), 2, 2, solid(2, 2, {10}));
    writeImage(path("gray/two/b.jpg"), 2, 2, solid(2, 2, {240})); // stored as YCbCr, gray inside
    writeImage(path("gray/two/c.png"), 2, 2, solid(2, 2, {70, 70, 70}));
    ImageFolderOptions options;
    options.root = root("gray");
    options.width = 2;
    options.height = 2;
    const Dataset data = loadImageFolder(options).train;
    QCOMPARE(data.featureShape, (Shape{1, 2, 2}));
    QCOMPARE(data.encoding["channels"], 1);
    QVERIFY(near(plane(data, 0, 0), 10, 0));
    QVERIFY(near(plane(data, 1, 0), 240, 2));
    QVERIFY(near(plane(data, 2, 0), 70, 0));
}

void TestImages::planarLayout()
{
    std::vector<uint8_t> pixels; // pixel (x, y) channel c = 100 c + 10 y + x
    for (int y = 0; y < 2; ++y) {
        for (int x = 0; x < 3; ++x) {
            for (int c = 0; c < 3; ++c)
                pixels.push_back(uint8_t(100 * c + 10 * y + x));
        }
    }
    writeImage(path("planar/only/p.png"), 3, 2, pixels);
    ImageFolderOptions options;
    options.root = root("planar");
    options.width = 3;
    options.height = 2;
    const Dataset data = loadImageFolder(options).train;
    QCOMPARE(data.featureShape, (Shape{3, 2, 3}));
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < 2; ++y) {
            for (int x = 0; x < 3; ++x)
                QCOMPARE(int(data.featureBytes[size_t(c * 6 + y * 3 + x)]), 100 * c + 10 * y + x);
        }
    }
    QCOMPARE(decodeImage(root("planar/only/p.png"), 3, 2, 3), data.featureBytes);
    QCOMPARE(decodeImage(root("planar/only/p.png"), 3, 2, 0), data.featureBytes);
}

void TestImages::resizing()
{
    // Black on the left, white on the right.
    const std::vector<uint8_t> halves = {0, 0, 255, 255, 0, 0, 255, 255};
    writeImage(path("halves.png"), 4, 2, halves);
    const std::vector<uint8_t> large = decodeImage(str(path("halves.png")), 16, 8, 1);
    QCOMPARE(large.size(), size_t(16 * 8));
    for (int y = 0; y < 8; ++y) {
        QVERIFY(large[size_t(y * 16)] < 20);
        QVERIFY(large[size_t(y * 16 + 15)] > 235);
        QVERIFY(large[size_t(y * 16)] <= large[size_t(y * 16 + 8)]);
    }
    const std::vector<uint8_t> tiny = decodeImage(str(path("halves.png")), 1, 1, 3);
    QCOMPARE(tiny.size(), size_t(3));
    QVERIFY(std::abs(int(tiny[0]) - 128) < 8);
}

void TestImages::unreadableSkipped()
{
    writeImage(path("mixed/cat/ok.png"), 4, 4, solid(4, 4, {5, 6, 7}));
    writeImage(path("mixed/dog/fine.png"), 4, 4, solid(4, 4, {5}));
    writeFile(path("mixed/cat/broken.png"), "this is text");
    QByteArray truncated;
    {
        QFile file(path("pets/cat/a.png"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        truncated = file.readAll().left(40);
    }
    writeFile(path("mixed/dog/cut.png"), truncated);

    ImageFolderOptions options;
    options.root = root("mixed");
    options.width = 4;
    options.height = 4;
    const Dataset data = loadImageFolder(options).train;
    QCOMPARE(data.size(), int64_t(2));
    QCOMPARE(data.labels, (std::vector<int64_t>{0, 1}));
    QCOMPARE(data.unreadable.size(), size_t(2));
    QCOMPARE(QString::fromStdString(data.unreadable[0]),
             path("mixed/cat/broken.png") + ": not a PNG, JPEG or BMP image");
    QVERIFY2(QString::fromStdString(data.unreadable[1]).startsWith(path("mixed/dog/cut.png") + ": cannot decode the image ("),
             data.unreadable[1].c_str());
}

void TestImages::strictMode()
{
    ImageFolderOptions options;
    options.root = root("mixed");
    options.width = 4;
    options.height = 4;
    options.strict = true;
    // The first unreadable file in listing order, whatever the threads did.
    for (int threads : {1, 4}) {
        options.threads = threads;
        QCOMPARE(errorOf([&] { loadImageFolder(options); }),
                 path("mixed/cat/broken.png") + ": not a PNG, JPEG or BMP image");
    }
}

void TestImages::testFolder()
{
    writeImage(path("held/dog/t.png"), 4, 4, solid(4, 4, {99}));
    ImageFolderOptions options;
    options.root = root("pets");
    options.testRoot = root("held");
    options.width = 4;
    options.height = 4;
    const DatasetSplits splits = loadImageFolder(options);
    QVERIFY(splits.test);
    QCOMPARE(splits.test->labels, (std::vector<int64_t>{1}));
    QCOMPARE(splits.test->numClasses, int64_t(2));
    QCOMPARE(splits.test->classNames, splits.train.classNames);
    QCOMPARE(splits.test->featureShape, (Shape{3, 4, 4})); // the training set's colour decides for both

    writeImage(path("held/zebra/z.png"), 4, 4, solid(4, 4, {1}));
    QCOMPARE(errorOf([&] { loadImageFolder(options); }),
             path("held/zebra") + ": class 'zebra' is not one of the training classes (cat, dog)");
}

void TestImages::deterministic()
{
    for (int i = 0; i < 40; ++i) {
        const QString name = QStringLiteral("many/c%1/%2.png").arg(i % 3).arg(i, 2, 10, QLatin1Char('0'));
        writeImage(path(name), 5 + i % 4, 6, solid(5 + i % 4, 6, {uint8_t(i * 6), uint8_t(255 - i), uint8_t(i)}));
    }
    writeFile(path("many/c1/bad.png"), "x");
    ImageFolderOptions options;
    options.root = root("many");
    options.width = 6;
    options.height = 5;
    options.threads = 1;
    const Dataset one = loadImageFolder(options).train;
    options.threads = 5;
    const Dataset five = loadImageFolder(options).train;
    QCOMPARE(one.size(), int64_t(40));
    QCOMPARE(five.featureBytes, one.featureBytes);
    QCOMPARE(five.labels, one.labels);
    QCOMPARE(five.unreadable, one.unreadable);
}

void TestImages::stopFlag()
{
    const std::atomic<bool> stop{true};
    ImageFolderOptions options;
    options.root = root("pets");
    options.stop = &stop;
    const DatasetSplits splits = loadImageFolder(options);
    QCOMPARE(splits.train.size(), int64_t(0));
}

// Decoded per batch, every sample comes out as the in-memory load has it,
// with the same labels, shape and unreadable files.
void TestImages::perBatchDecoding()
{
    for (const char* folder : {"pets", "mixed"}) {
        ImageFolderOptions options;
        options.root = root(folder);
        options.width = 4;
        options.height = 3;
        options.decoding = ImageDecoding::InMemory;
        const Dataset memory = loadImageFolder(options).train;
        options.decoding = ImageDecoding::PerBatch;
        const Dataset lazy = loadImageFolder(options).train;
        QVERIFY(!memory.isLazy());
        QVERIFY(lazy.isLazy() && lazy.storesBytes());
        QVERIFY(lazy.featureBytes.empty());
        QCOMPARE(lazy.storedValues(), size_t(0));
        QCOMPARE(lazy.featureShape, memory.featureShape);
        QCOMPARE(lazy.labels, memory.labels);
        QCOMPARE(lazy.unreadable, memory.unreadable);
        QCOMPARE(lazy.encoding, memory.encoding);
        for (int64_t i = 0; i < memory.size(); ++i) {
            std::vector<uint8_t> expected(size_t(memory.featuresPerSample()));
            std::vector<uint8_t> decoded(expected.size());
            memory.readSample(i, expected.data());
            lazy.readSample(i, decoded.data());
            QCOMPARE(decoded, expected);
            QCOMPARE(lazy.sampleValues(i), memory.sampleValues(i));
        }
        // Fewer images than the profile's sample: it sees them all.
        nlohmann::ordered_json profile = profileDataset(lazy, {}).toJson();
        nlohmann::ordered_json expected = profileDataset(memory, {}).toJson();
        QCOMPARE(profile["notes"].size(), expected["notes"].size() + 1);
        QVERIFY(profile["notes"].back().get<std::string>().find("decoded only when a batch needs them")
                != std::string::npos);
        profile.erase("notes");
        expected.erase("notes");
        QCOMPARE(profile.dump(), expected.dump());
    }

    // A file that goes away after loading is named when its batch is made.
    writeImage(path("vanishing/a/1.png"), 4, 4, solid(4, 4, {10}));
    writeImage(path("vanishing/b/2.png"), 4, 4, solid(4, 4, {20}));
    ImageFolderOptions options;
    options.root = root("vanishing");
    options.decoding = ImageDecoding::PerBatch;
    const Dataset lazy = loadImageFolder(options).train;
    QVERIFY(QFile::remove(path("vanishing/b/2.png")));
    std::vector<uint8_t> out(size_t(lazy.featuresPerSample()));
    QVERIFY(errorOf([&] { lazy.readSample(1, out.data()); }).startsWith(path("vanishing/b/2.png") + ": "));
}

void TestImages::autoDecodingFollowsTheBudget()
{
    ImageFolderOptions options;
    options.root = root("pets"); // five images
    options.width = 4;
    options.height = 4;
    options.channels = 1;
    options.memoryBudget = 5 * 16; // exactly the gray pixels
    QVERIFY(!loadImageFolder(options).train.isLazy());
    options.memoryBudget = 5 * 16 - 1;
    QVERIFY(loadImageFolder(options).train.isLazy());
    // Colour still to be decided counts as three channels.
    options.channels = 0;
    options.memoryBudget = 5 * 16 * 3;
    QVERIFY(!loadImageFolder(options).train.isLazy());
    options.memoryBudget = 5 * 16 * 2;
    QVERIFY(loadImageFolder(options).train.isLazy());
}

void TestImages::errors_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("channels");
    QTest::addColumn<QString>("message"); // %1: the temporary folder

    QTest::newRow("no such folder") << "nowhere" << 8 << 0 << "%1/nowhere: no such folder";
    QTest::newRow("a file") << "pets/readme.txt" << 8 << 0 << "%1/pets/readme.txt: is not a folder";
    QTest::newRow("no subfolders") << "flat" << 8 << 0
                                   << "%1/flat: holds no class subfolders; expected one folder of images per class "
                                      "(root/<class>/<images>)";
    QTest::newRow("empty class") << "sparse" << 8 << 0 << "%1/sparse/empty: holds no PNG, JPEG or BMP images";
    QTest::newRow("nothing readable") << "junk" << 8 << 0
                                      << "%1/junk: none of its 1 images could be read; the first: "
                                         "%1/junk/a/x.png: not a PNG, JPEG or BMP image";
    QTest::newRow("bad size") << "pets" << 0 << 0 << "image size 0 x 32 is out of range (1 to 16384 per side)";
    QTest::newRow("two channels") << "pets" << 8 << 2
                                  << "images have 1 (gray) or 3 (RGB) channels, or 0 to decide from the files; not 2";
}

void TestImages::errors()
{
    QFETCH(QString, folder);
    QFETCH(int, width);
    QFETCH(int, channels);
    QFETCH(QString, message);
    writeImage(path("flat/a.png"), 2, 2, solid(2, 2, {1}));
    QVERIFY(QDir().mkpath(path("sparse/empty")));
    writeImage(path("sparse/full/a.png"), 2, 2, solid(2, 2, {1}));
    writeFile(path("sparse/empty/notes.txt"), "no images here");
    writeFile(path("junk/a/x.png"), "not a png");

    ImageFolderOptions options;
    options.root = str(path(folder));
    options.width = width;
    options.channels = channels;
    QCOMPARE(errorOf([&] { loadImageFolder(options); }), message.replace(QLatin1String("%1"), m_dir.path()));
}

void TestImages::hugeImagesRefused_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    QTest::newRow("too wide") << pngHeader(20000, 10)
                              << "image of 20000 x 10 pixels is larger than the 16384 per side or 100 megapixels this decodes";
    QTest::newRow("too many pixels") << pngHeader(10001, 10000)
                                     << "image of 10001 x 10000 pixels is larger than the 16384 per side or 100 "
                                        "megapixels this decodes";
    QTest::newRow("beyond stb_image's own limit")
        << pngHeader(1u << 25, 1)
        << "image of 33554432 x 1 pixels is larger than the 16384 per side or 100 megapixels this decodes";
}

void TestImages::hugeImagesRefused()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    writeFile(path("bomb/big/b.png"), bytes);
    QCOMPARE(errorOf([&] { decodeImage(root("bomb/big/b.png"), 8, 8, 3); }), path("bomb/big/b.png") + ": " + message);

    ImageFolderOptions options;
    options.root = root("bomb");
    options.strict = true;
    QCOMPARE(errorOf([&] { loadImageFolder(options); }), path("bomb/big/b.png") + ": " + message);
}

// Two palette colours, red-brown and gray; rows {0, 1, 0} over {1, 1, 0}.
const QByteArray kPalette("\x0a\x28\xc8\0\x5a\x5a\x5a\0", 8);
const QByteArray kIndices("\x01\x01\x00\0\x00\x01\x00\0", 8);

void TestImages::bmpPalette()
{
    writeFile(path("palette.bmp"), bmp(3, 2, 8, 0, kPalette, kIndices));
    QCOMPARE(decodeImage(root("palette.bmp"), 3, 2, 0), (std::vector<uint8_t>{200, 90, 200, 90, 90, 200,  // R
                                                                              40, 90, 40, 90, 90, 40,    // G
                                                                              10, 90, 10, 90, 90, 10})); // B
}

void TestImages::corruptFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message"); // after "path: "

    std::vector<uint8_t> noise; // compresses poorly: long entropy-coded data
    for (int i = 0; i < 16 * 16 * 3; ++i)
        noise.push_back(uint8_t(i * 97 % 251));
    writeImage(path("corrupt/whole.jpg"), 16, 16, noise);
    writeImage(path("corrupt/whole.png"), 16, 16, noise);
    const QByteArray jpeg = contents(path("corrupt/whole.jpg"));
    const QByteArray png = contents(path("corrupt/whole.png"));
    QByteArray badChecksum = png;
    badChecksum[png.indexOf("IEND") - 5] ^= 1; // the last byte of IDAT's CRC
    const QString decode = QStringLiteral("cannot decode the image (%1)");
    const QString bmpOnly = QStringLiteral(" is not supported; this reads uncompressed BMPs of 1, 4, 8, 24 or 32 bits per pixel");

    QTest::newRow("truncated JPEG") << "cut.jpg" << jpeg.left(jpeg.size() / 2) << decode.arg("Premature end of JPEG file");
    QTest::newRow("JPEG's Huffman table overflows")
        << "huffman.jpg" << contents(LEPTON_SOURCE_DIR "/tests/fuzz/corpus/image/jpeg-huffman-overflow.jpg")
        << decode.arg("Bogus Huffman table definition");
    QTest::newRow("truncated PNG") << "cut.png" << png.left(png.size() / 2) << decode.arg("the file is cut short");
    QTest::newRow("PNG checksum") << "crc.png" << badChecksum << decode.arg("IDAT: CRC error");
    QTest::newRow("BMP of 16 bits") << "16.bmp" << bmp(2, 2, 16, 0, {}, QByteArray(8, '\0'))
                                    << "a BMP of 16 bits per pixel" + bmpOnly;
    QTest::newRow("RLE BMP") << "rle.bmp" << bmp(3, 2, 8, 1, kPalette, kIndices)
                             << "a compressed BMP (method 1)" + bmpOnly;
    QTest::newRow("BMP beyond its palette") << "index.bmp" << bmp(3, 2, 8, 0, kPalette, QByteArray(8, '\2'))
                                            << decode.arg("a pixel refers to colour 2 of a palette of 2");
    QTest::newRow("truncated BMP") << "cut.bmp" << bmp(3, 2, 8, 0, kPalette, kIndices.left(6))
                                   << decode.arg("the pixels are cut short");
    QTest::newRow("BMP of no pixels") << "empty.bmp" << bmp(0, 2, 8, 0, kPalette, {})
                                      << decode.arg("the image declares 0 x 2 pixels");
}

void TestImages::corruptFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    QVERIFY(!bytes.isEmpty());
    const QString file = path("corrupt/" + name);
    writeFile(file, bytes);
    QCOMPARE(errorOf([&] { decodeImage(str(file), 8, 8, 0); }), file + ": " + message);
}

QTEST_GUILESS_MAIN(TestImages)
#include "tst_images.moc"
