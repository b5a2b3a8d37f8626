#include "data/columninference.h"
#include "data/csvreader.h"
#include "data/dataprofile.h"
#include "data/tableencoder.h"

#include "common/datatestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <functional>
#include <random>

using namespace lepton;
using namespace lepton::testing;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Table parse(const QByteArray& text, CsvOptions options = {})
{
    return parseCsv(std::string_view(text.constData(), size_t(text.size())), options, "data.csv");
}

QStringList names(const Table& table)
{
    QStringList list;
    for (const TableColumn& column : table.columns)
        list << QString::fromStdString(column.name);
    return list;
}

// Every cell, row by row.
QStringList cells(const Table& table)
{
    QStringList list;
    for (int64_t row = 0; row < table.rows; ++row) {
        for (const TableColumn& column : table.columns)
            list << QString::fromStdString(column.cell(row));
    }
    return list;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), qint64(bytes.size()));
}

TableColumn textColumn(std::string name, std::vector<std::string> texts)
{
    TableColumn column;
    column.name = std::move(name);
    column.kind = ColumnKind::Text;
    column.texts = std::move(texts);
    for (const std::string& text : column.texts)
        column.missing += text.empty() ? 1 : 0;
    return column;
}

TableColumn categoricalColumn(std::string name, const std::vector<std::string>& cells)
{
    TableColumn column;
    column.name = std::move(name);
    column.kind = ColumnKind::Categorical;
    for (const std::string& cell : cells) {
        if (cell.empty()) {
            column.codes.push_back(-1);
            ++column.missing;
            continue;
        }
        const auto it = std::find(column.levels.begin(), column.levels.end(), cell);
        column.codes.push_back(int32_t(it - column.levels.begin()));
        if (it == column.levels.end())
            column.levels.push_back(cell);
    }
    return column;
}

TableColumn numericColumn(std::string name, std::vector<double> numbers)
{
    TableColumn column;
    column.name = std::move(name);
    column.numbers = std::move(numbers);
    column.missing = std::count_if(column.numbers.begin(), column.numbers.end(), [](double v) { return std::isnan(v); });
    return column;
}

Table makeTable(std::vector<TableColumn> columns)
{
    Table table;
    table.source = "data.csv";
    table.columns = std::move(columns);
    const TableColumn& first = table.columns.front();
    table.rows = int64_t(first.kind == ColumnKind::Numeric ? first.numbers.size()
                         : first.kind == ColumnKind::Text ? first.texts.size()
                                                          : first.codes.size());
    return table;
}

std::vector<float> floats(std::initializer_list<double> values)
{
    return std::vector<float>(values.begin(), values.end());
}

const QualityIssue* findIssue(const DataProfile& profile, const std::string& kind, const std::string& column = {})
{
    for (const QualityIssue& issue : profile.issues) {
        if (issue.kind == kind && (column.empty() || issue.column == column))
            return &issue;
    }
    return nullptr;
}

// The 5-row table of the missing-value rows: n numeric, c categorical, y the
// target; the last row has no target.
const QByteArray kMissingTable = "n,c,y\n1,red,a\nNA,red,b\n3,blue,a\n10,NA,b\n4,blue,b\n100,green,NA\n";

} // namespace

class TestCsv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cells_data();
    void cells();
    void sniff_data();
    void sniff();
    void header_data();
    void header();
    void kinds_data();
    void kinds();
    void numbersExact();
    void missingMarkers_data();
    void missingMarkers();
    void errors_data();
    void errors();
    void fileErrors();
    void preview();
    void cancel();
    void millionRows();
    void encodeCategorical_data();
    void encodeCategorical();
    void encodeMissing_data();
    void encodeMissing();
    void encodeTask_data();
    void encodeTask();
    void encodeWords_data();
    void encodeWords();
    void encodeChars();
    void encodeErrors();
    void profileStats();
    void profileIssues();
    void profileImages();
    void profileVectors();

private:
    QTemporaryDir m_dir;
};

void TestCsv::cells_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("cells");
    const QStringList ab{"a", "b"};
    QTest::newRow("plain") << QByteArray("a,b\n1,x\n2,y\n") << ab << QStringList{"1", "x", "2", "y"};
    QTest::newRow("quoted delimiter") << QByteArray("a,b\n1,\"hello, world\"\n2,y\n") << ab
                                      << QStringList{"1", "hello, world", "2", "y"};
    QTest::newRow("doubled quotes") << QByteArray("a,b\n1,\"say \"\"hi\"\"\"\n2,\"\"\"\"\n") << ab
                                    << QStringList{"1", "say \"hi\"", "2", "\""};
    QTest::newRow("line break in quotes") << QByteArray("a,b\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\n") << ab
                                          << QStringList{"1", "two\nlines", "2", "crlf\r\ninside"};
    QTest::newRow("CRLF") << QByteArray("a,b\r\n1,x\r\n2,y\r\n") << ab << QStringList{"1", "x", "2", "y"};
    QTest::newRow("CR") << QByteArray("a,b\r1,x\r2,y") << ab << QStringList{"1", "x", "2", "y"};
    QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF" "a,b\n1,x\n") << ab << QStringList{"1", "x"};
    QTest::newRow("no final line break") << QByteArray("a,b\n1,x\n2,y") << ab << QStringList{"1", "x", "2", "y"};
    QTest::newRow("blank lines") << QByteArray("\na,b\n\n1,x\r\n\r\n2,y\n\n\n") << ab
                                 << QStringList{"1", "x", "2", "y"};
    QTest::newRow("spaces trimmed") << QByteArray(" a , b \n 1 , x \n2,  y\n") << ab
                                    << QStringList{"1", "x", "2", "y"};
    QTest::newRow("quoted spaces kept") << QByteArray("a,b\n1, \" x \" \n2,y\n") << ab
                                        << QStringList{"1", " x ", "2", "y"};
    QTest::newRow("quote inside a field") << QByteArray("a,b\n1,5\"\n2,y\n") << ab << QStringList{"1", "5\"", "2", "y"};
    QTest::newRow("empty last column") << QByteArray("a,b,c\n1,x,\n2,y,\n") << QStringList{"a", "b", "c"}
                                       << QStringList{"1", "x", "", "2", "y", ""};
    QTest::newRow("UTF-8") << QByteArray("név,város\n1,Győr\n2,Pécs\n") << QStringList{"név", "város"}
                           << QStringList{"1", "Győr", "2", "Pécs"};
    QTest::newRow("numbers as written") << QByteArray("a,b\n+1.50,-.5\n1e3,007\n") << ab
                                        << QStringList{"1.5", "-0.5", "1000", "7"};
}

void TestCsv::cells()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, names);
    QFETCH(QStringList, cells);
    const Table table = parse(text);
    QVERIFY(table.hasHeader);
    QCOMPARE(::names(table), names);
    QCOMPARE(::cells(table), cells);
    QCOMPARE(table.source, std::string("data.csv"));
}

void TestCsv::sniff_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<char>("delimiter");
    QTest::addColumn<bool>("header");
    QTest::addColumn<int>("columns");
    QTest::newRow("comma") << QByteArray("a,b,c\n1,2,3\n4,5,6\n") << ',' << true << 3;
    QTest::newRow("semicolon, decimal commas") << QByteArray("x;y\n1,5;2,25\n3,0;4,5\n") << ';' << true << 2;
    QTest::newRow("tab") << QByteArray("a\tb\n1\t2, 3\n4\t5, 6\n") << '\t' << true << 2;
    QTest::newRow("pipe") << QByteArray("id|name\n1|Smith, John\n2|Doe, Jane\n") << '|' << true << 2;
    QTest::newRow("quoted delimiters") << QByteArray("a,b\n\"x;y\",1\n\"z;w\",2\n") << ',' << true << 2;
    QTest::newRow("no header, numbers") << QByteArray("1,2\n3,4\n5,6\n") << ',' << false << 2;
    QTest::newRow("no header, repeated labels") << QByteArray("red,small\nred,large\nblue,small\n") << ','
                                                << false << 2;
    QTest::newRow("header over labels") << QByteArray("color,size\nred,small\nblue,large\n") << ',' << true << 2;
    QTest::newRow("header with a number-named column") << QByteArray("a,2020\n1,2\n") << ',' << false << 2;
    QTest::newRow("one column") << QByteArray("value\n1\n2\n") << ',' << true << 1;
    QTest::newRow("stray quote") << QByteArray("a;b\n5\";2\n6;3\n7;\"4;0\"\n") << ';' << true << 2;
}

void TestCsv::sniff()
{
    QFETCH(QByteArray, text);
    QFETCH(char, delimiter);
    QFETCH(bool, header);
    QFETCH(int, columns);
    const CsvSniff sniff = sniffCsv(std::string_view(text.constData(), size_t(text.size())));
    QCOMPARE(sniff.delimiter, delimiter);
    QCOMPARE(sniff.hasHeader, header);
    const Table table = parse(text);
    QCOMPARE(table.hasHeader, header);
    QCOMPARE(int(table.columns.size()), columns);

    // A head cut in the middle of a line reads the same.
    const QByteArray cut = text + "7";
    QCOMPARE(sniffCsv(std::string_view(cut.constData(), size_t(cut.size()))).delimiter, delimiter);
}

void TestCsv::header_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("header"); // CsvOptions::Header
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<int>("rows");
    const auto yes = int(CsvOptions::Header::Yes), no = int(CsvOptions::Header::No);
    QTest::newRow("forced no") << QByteArray("a,b\n1,2\n") << no << QStringList{"column1", "column2"} << 2;
    QTest::newRow("forced yes") << QByteArray("1,2\n3,4\n") << yes << QStringList{"1", "2"} << 1;
    QTest::newRow("blank and repeated names") << QByteArray("x,,x,x\n1,2,3,4\n") << yes
                                              << QStringList{"x", "column2", "x.1", "x.2"} << 1;
}

void TestCsv::header()
{
    QFETCH(QByteArray, text);
    QFETCH(int, header);
    QFETCH(QStringList, names);
    QFETCH(int, rows);
    CsvOptions options;
    options.header = CsvOptions::Header(header);
    const Table table = parse(text, options);
    QCOMPARE(::names(table), names);
    QCOMPARE(table.rows, int64_t(rows));
    QCOMPARE(table.hasHeader, options.header == CsvOptions::Header::Yes);
}

void TestCsv::kinds_data()
{
    QTest::addColumn<QByteArray>("values"); // one cell per line
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("missing");
    const auto numeric = int(ColumnKind::Numeric), categorical = int(ColumnKind::Categorical),
               text = int(ColumnKind::Text);
    QTest::newRow("numbers") << QByteArray("1\n2.5\n-3\n1e3\n+4\n.5\n") << numeric << 0;
    QTest::newRow("numbers, missing") << QByteArray("1\nNA\n3\n\n") << numeric << 1; // the blank line is skipped
    QTest::newRow("all missing") << QByteArray("NA\n?\n") << numeric << 2;
    QTest::newRow("labels") << QByteArray("a\nb\na\nNA\n") << categorical << 1;
    QTest::newRow("infinity is not a number") << QByteArray("1\ninf\n") << categorical << 0;
    QTest::newRow("hex is not a number") << QByteArray("1\n0x10\n") << categorical << 0;
    QTest::newRow("thousands separator") << QByteArray("1\n\"1,000\"\n") << categorical << 0;
    QByteArray twenty, many;
    for (int i = 0; i < 40; ++i) {
        (i < 20 ? twenty : many) += "w" + QByteArray::number(i) + "\n";
        many += "w" + QByteArray::number(i) + "\n";
    }
    QTest::newRow("20 distinct") << twenty << categorical << 0;
    QTest::newRow("40 distinct of 60") << many << text << 0;
}

void TestCsv::kinds()
{
    QFETCH(QByteArray, values);
    QFETCH(int, kind);
    QFETCH(int, missing);
    CsvOptions options;
    options.header = CsvOptions::Header::No;
    const Table table = parse(values, options);
    QCOMPARE(table.columns.size(), size_t(1));
    const TableColumn& column = table.columns[0];
    QCOMPARE(columnKindName(column.kind), columnKindName(ColumnKind(kind)));
    QCOMPARE(column.missing, int64_t(missing));
    int64_t missingCells = 0;
    for (int64_t row = 0; row < table.rows; ++row)
        missingCells += column.isMissing(row) ? 1 : 0;
    QCOMPARE(missingCells, int64_t(missing));
}

void TestCsv::numbersExact()
{
    // The short-decimal path must give exactly what strtod gives.
    std::mt19937_64 random(7);
    char text[64];
    for (int i = 0; i < 200000; ++i) {
        const int digits = int(random() % 16);
        const double magnitude = std::pow(10.0, double(random() % 12) - 4);
        const double number = (double(random() % 2000001) - 1000000.0) / 1000000.0 * magnitude;
        const int length = std::snprintf(text, sizeof text, "%.*f", digits, number);
        double parsed = 0;
        QVERIFY(parseNumber(std::string_view(text, size_t(length)), parsed));
        QCOMPARE(parsed, std::strtod(text, nullptr));
    }
    double value = 0;
    for (const char* bad : {"", "-", "+", ".", "1.2.3", "1e", "+-1", "--1", "0x10", "inf", "nan", "1,5", "1 2"})
        QVERIFY2(!parseNumber(bad, value), bad);
    QVERIFY(parseNumber(" 12 ", value) && value == 12);
    QVERIFY(parseNumber("1234567890123456789", value) && value == 1234567890123456789.0);
    QVERIFY(parseNumber("-0.000000000000000000001", value) && value == -1e-21);
}

void TestCsv::missingMarkers_data()
{
    QTest::addColumn<QByteArray>("marker");
    for (const char* marker : {"", "\"\"", "NA", "na", "N/A", "n/a", "NaN", "nan", "null", "NULL", "?", " NA "})
        QTest::newRow(marker) << QByteArray(marker);
}

void TestCsv::missingMarkers()
{
    QFETCH(QByteArray, marker);
    const Table table = parse("n,c\n1,a\n" + marker + "," + marker + "\n3,b\n");
    QCOMPARE(table.rows, int64_t(3));
    QCOMPARE(table.columns[0].kind, ColumnKind::Numeric);
    QCOMPARE(table.columns[1].kind, ColumnKind::Categorical);
    for (const TableColumn& column : table.columns) {
        QCOMPARE(column.missing, int64_t(1));
        QVERIFY(column.isMissing(1));
        QVERIFY(!column.isMissing(0));
    }
    QCOMPARE(table.columns[1].levels, (std::vector<std::string>{"a", "b"}));
}

void TestCsv::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QByteArray ragged = "a,b,c,d\n";
    for (int line = 2; line < 17; ++line)
        ragged += "1,2,3,4\n";
    ragged += "1,2,3\n5,6,7,8\n";
    QTest::newRow("ragged") << ragged << "data.csv: line 17 has 3 fields, expected 4";
    QTest::newRow("too many fields") << QByteArray("a,b\n1,2,3\n") << "data.csv: line 2 has 3 fields, expected 2";
    QTest::newRow("ragged after quoted line break") << QByteArray("a,b\n\"x\ny\",1\n\n7\n")
                                                    << "data.csv: line 5 has 1 field, expected 2";
    QTest::newRow("ragged, CRLF") << QByteArray("a,b\r\n1,2\r\n3\r\n") << "data.csv: line 3 has 1 field";
    QTest::newRow("unterminated quote") << QByteArray("a,b\n1,2\n3,\"open\n4,5\n6,7\n")
                                        << "data.csv: line 3: a quoted field is never closed";
    QTest::newRow("text after a closing quote") << QByteArray("a,b\n\"x\"y,1\n")
                                                << "data.csv: line 2, column 4: unexpected 'y' after a closing quote";
    QTest::newRow("bad byte") << QByteArray("a,b\n1,\xFF\n") << "data.csv: line 2, column 3: invalid UTF-8 (byte 0xFF)";
    QTest::newRow("bad byte after accents") << QByteArray("a,b\n\xC3\xA9\xC3\xA9,\xC3\x28\n")
                                            << "data.csv: line 2, column 4: invalid UTF-8 (byte 0xC3)";
    QTest::newRow("truncated sequence") << QByteArray("a,b\n1,2\n3,\xE2\x82") << "data.csv: line 3, column 3";
    QTest::newRow("overlong") << QByteArray("a\n\xC0\xAF\n") << "data.csv: line 2, column 1: invalid UTF-8";
    QTest::newRow("surrogate") << QByteArray("a\nx\xED\xA0\x80\n") << "data.csv: line 2, column 2: invalid UTF-8";
    QTest::newRow("UTF-16") << QByteArray("\xFF\xFE" "a\0,\0b\0", 8) << "data.csv: the file is UTF-16";
    QTest::newRow("empty") << QByteArray() << "data.csv: the file is empty";
    QTest::newRow("only a BOM") << QByteArray("\xEF\xBB\xBF") << "data.csv: the file is empty";
    QTest::newRow("blank lines") << QByteArray("\n\r\n  \n") << "data.csv: the file holds only blank lines";
    QTest::newRow("header only") << QByteArray("a,b\n") << "data.csv: no data rows below the header";
}

void TestCsv::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const QString error = errorOf([&] { parse(text); });
    QVERIFY2(error.startsWith(message), qPrintable(error));
}

void TestCsv::fileErrors()
{
    const QString path = m_dir.filePath("good.csv");
    writeFile(path, "a,b\n1,x\n2,y\n");
    QCOMPARE(readCsv(path.toStdString(), {}).rows, int64_t(2));

    const QString ragged = m_dir.filePath("ragged.csv");
    writeFile(ragged, "a,b\n1,x\n2\n");
    QCOMPARE(errorOf([&] { readCsv(ragged.toStdString(), {}); }), ragged + ": line 3 has 1 field, expected 2");

    QString error = errorOf([&] { readCsv(m_dir.path().toStdString(), {}); });
    QVERIFY2(error.startsWith(m_dir.path() + ": is a folder"), qPrintable(error));

    const QString fifo = m_dir.filePath("pipe.csv");
    QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
    error = errorOf([&] { readCsv(fifo.toStdString(), {}); });
    QVERIFY2(error.startsWith(fifo + ": is a FIFO"), qPrintable(error));

    error = errorOf([&] { readCsv("/dev/zero", {}); });
    QVERIFY2(error.startsWith("/dev/zero: is a device"), qPrintable(error));

    const QString missing = m_dir.filePath("missing.csv");
    error = errorOf([&] { readCsv(missing.toStdString(), {}); });
    QVERIFY2(error.startsWith(missing + ": cannot open"), qPrintable(error));
}

void TestCsv::preview()
{
    // A preview reads the start only: the broken line further down is never seen.
    QByteArray text = "x,label\n";
    for (int i = 0; i < 50000; ++i)
        text += QByteArray::number(i) + "," + (i % 2 ? "odd" : "even") + "\n";
    text += "1,2,3\n";
    const QString path = m_dir.filePath("preview.csv");
    writeFile(path, text);

    CsvOptions options;
    options.maxRows = 5;
    const Table table = readCsv(path.toStdString(), options);
    QCOMPARE(table.rows, int64_t(5));
    QVERIFY(table.hasHeader);
    QCOMPARE(table.columns[0].numbers, (std::vector<double>{0, 1, 2, 3, 4}));

    options.header = CsvOptions::Header::No;
    const Table headerless = readCsv(path.toStdString(), options);
    QCOMPARE(headerless.rows, int64_t(5));
    QCOMPARE(headerless.columns[1].cell(0), std::string("label"));

    options.maxRows = 0; // the names alone
    options.header = CsvOptions::Header::Auto;
    const Table empty = readCsv(path.toStdString(), options);
    QCOMPARE(empty.rows, int64_t(0));
    QCOMPARE(names(empty), (QStringList{"x", "label"}));

    const QString error = errorOf([&] { readCsv(path.toStdString(), {}); });
    QVERIFY2(error.endsWith("line 50002 has 3 fields, expected 2"), qPrintable(error));
}

void TestCsv::cancel()
{
    std::atomic<bool> stop{true};
    QVERIFY_THROWS_EXCEPTION(DataCancelled, parseCsv("a,b\n1,2\n", {}, "data.csv", &stop));
    const QString path = m_dir.filePath("cancel.csv");
    writeFile(path, "a,b\n1,2\n");
    QVERIFY_THROWS_EXCEPTION(DataCancelled, readCsv(path.toStdString(), {}, &stop));
}

void TestCsv::millionRows()
{
    constexpr int kRows = 1'000'000;
    std::string text = "id,value,label\n";
    text.reserve(size_t(kRows) * 24);
    char number[32];
    for (int i = 0; i < kRows; ++i) {
        text.append(number, std::to_chars(number, number + sizeof number, i).ptr);
        text += ',';
        text.append(number, std::to_chars(number, number + sizeof number, (i % 1000) * 0.25).ptr);
        text += i % 3 == 0 ? ",cat\n" : i % 3 == 1 ? ",dog\n" : ",\"bird\"\n";
    }
    const QString path = m_dir.filePath("million.csv");
    writeFile(path, QByteArray::fromStdString(text));

    QElapsedTimer timer;
    timer.start();
    const Table table = readCsv(path.toStdString(), {});
    qInfo("%d rows, %.1f MB in %lld ms", kRows, double(text.size()) / 1e6, timer.elapsed());
    QCOMPARE(table.rows, int64_t(kRows));
    QCOMPARE(names(table), (QStringList{"id", "value", "label"}));
    double sum = 0;
    for (double id : table.columns[0].numbers)
        sum += id;
    QCOMPARE(sum / kRows, 499999.5);
    QCOMPARE(table.columns[1].numbers[999], 249.75);
    QCOMPARE(table.columns[2].kind, ColumnKind::Categorical);
    QCOMPARE(table.columns[2].levels, (std::vector<std::string>{"cat", "dog", "bird"}));
}

void TestCsv::encodeCategorical_data()
{
    QTest::addColumn<bool>("oneHot");
    QTest::addColumn<std::vector<float>>("features");
    QTest::newRow("one-hot") << true << floats({1, 1, 0, 0, 2, 0, 1, 0, 3, 1, 0, 0, 4, 0, 0, 1});
    QTest::newRow("index") << false << floats({1, 0, 2, 1, 3, 0, 4, 2});
}

void TestCsv::encodeCategorical()
{
    QFETCH(bool, oneHot);
    QFETCH(std::vector<float>, features);
    const Table table = parse("x,color,y\n1,red,a\n2,green,b\n3,red,a\n4,blue,b\n");
    TableEncoding encoding;
    encoding.categorical = oneHot ? TableEncoding::Categorical::OneHot : TableEncoding::Categorical::Index;
    const Dataset dataset = encodeTable(table, encoding);
    QCOMPARE(dataset.featureShape, (Shape{oneHot ? 4 : 2}));
    QCOMPARE(dataset.features, features);
    QCOMPARE(dataset.featureDType, DType::Float32);
    QCOMPARE(dataset.task, TaskType::Classification);
    QCOMPARE(dataset.labels, (std::vector<int64_t>{0, 1, 0, 1}));
    QCOMPARE(dataset.classNames, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(dataset.numClasses, int64_t(2));
    QCOMPARE(dataset.name, std::string("data"));

    const auto& json = dataset.encoding;
    QCOMPARE(json["features"][0]["column"], "x");
    QCOMPARE(json["features"][0]["kind"], "numeric");
    QCOMPARE(json["features"][1]["encoding"], oneHot ? "one_hot" : "index");
    QCOMPARE(json["features"][1]["levels"], nlohmann::ordered_json({"red", "green", "blue"}));
    QCOMPARE(json["target"]["classes"], nlohmann::ordered_json({"a", "b"}));
    QCOMPARE(json["target"]["task"], "classification");
}

void TestCsv::encodeMissing_data()
{
    QTest::addColumn<int>("missing");
    QTest::addColumn<std::vector<float>>("features");
    QTest::addColumn<std::vector<int64_t>>("labels");
    QTest::addColumn<double>("imputed");
    const std::vector<int64_t> all{0, 1, 0, 1, 1};
    // n over the rows with a target: 1, 3, 10, 4; c: red red blue blue (a tie: red came first).
    QTest::newRow("drop") << int(TableEncoding::Missing::Drop) << floats({1, 0, 3, 1, 4, 1})
                          << std::vector<int64_t>{0, 0, 1} << kNaN;
    QTest::newRow("mean") << int(TableEncoding::Missing::Mean) << floats({1, 0, 4.5, 0, 3, 1, 10, 0, 4, 1}) << all
                          << 4.5;
    QTest::newRow("median") << int(TableEncoding::Missing::Median) << floats({1, 0, 3.5, 0, 3, 1, 10, 0, 4, 1})
                            << all << 3.5;
    QTest::newRow("most frequent") << int(TableEncoding::Missing::MostFrequent)
                                   << floats({1, 0, 1, 0, 3, 1, 10, 0, 4, 1}) << all << 1.0;
}

void TestCsv::encodeMissing()
{
    QFETCH(int, missing);
    QFETCH(std::vector<float>, features);
    QFETCH(std::vector<int64_t>, labels);
    QFETCH(double, imputed);
    TableEncoding encoding;
    encoding.missing = TableEncoding::Missing(missing);
    encoding.categorical = TableEncoding::Categorical::Index;
    const Dataset dataset = encodeTable(parse(kMissingTable), encoding);
    QCOMPARE(dataset.features, features);
    QCOMPARE(dataset.labels, labels);
    const auto& json = dataset.encoding;
    QCOMPARE(json["rows"]["read"], 6);
    QCOMPARE(json["rows"]["used"], int64_t(labels.size()));
    QCOMPARE(json["rows"]["missingTarget"], 1);
    QCOMPARE(json["notes"][0], "1 rows without a target value were dropped");
    if (std::isnan(imputed)) {
        QCOMPARE(json["missing"], "drop");
        QCOMPARE(json["rows"]["missingFeature"], 2);
        QVERIFY(!json["features"][0].contains("imputed"));
    } else {
        QCOMPARE(json["features"][0]["imputed"].get<double>(), imputed);
        QCOMPARE(json["features"][1]["imputed"], "red");
    }
}

void TestCsv::encodeTask_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("task");
    QTest::addColumn<bool>("classification");
    QTest::addColumn<QStringList>("classNames");
    QTest::addColumn<std::vector<int64_t>>("labels");
    QTest::addColumn<std::vector<float>>("targets");
    const auto automatic = int(TableEncoding::Task::Auto);
    QTest::newRow("whole numbers") << QByteArray("x,y\n1,0\n2,1\n3,2\n4,1\n") << automatic << true
                                   << QStringList{"0", "1", "2"} << std::vector<int64_t>{0, 1, 2, 1}
                                   << std::vector<float>{};
    QTest::newRow("negative whole numbers") << QByteArray("x,y\n1,1\n2,-1\n") << automatic << true
                                            << QStringList{"-1", "1"} << std::vector<int64_t>{1, 0}
                                            << std::vector<float>{};
    QTest::newRow("fractions") << QByteArray("x,y\n1,0.5\n2,1.5\n") << automatic << false << QStringList{}
                               << std::vector<int64_t>{} << floats({0.5, 1.5});
    QByteArray wide = "x,y\n";
    std::vector<float> values;
    for (int i = 0; i < 60; ++i) {
        wide += QByteArray::number(i) + "," + QByteArray::number(i * 3) + "\n";
        values.push_back(float(i * 3));
    }
    QTest::newRow("60 whole numbers") << wide << automatic << false << QStringList{} << std::vector<int64_t>{}
                                      << values;
    QTest::newRow("forced classification") << QByteArray("x,y\n1,2.5\n2,0.5\n3,2.5\n")
                                           << int(TableEncoding::Task::Classification) << true
                                           << QStringList{"0.5", "2.5"} << std::vector<int64_t>{1, 0, 1}
                                           << std::vector<float>{};
    QTest::newRow("forced regression") << QByteArray("x,y\n1,0\n2,1\n") << int(TableEncoding::Task::Regression)
                                       << false << QStringList{} << std::vector<int64_t>{} << floats({0, 1});
}

void TestCsv::encodeTask()
{
    QFETCH(QByteArray, text);
    QFETCH(int, task);
    QFETCH(bool, classification);
    QFETCH(QStringList, classNames);
    QFETCH(std::vector<int64_t>, labels);
    QFETCH(std::vector<float>, targets);
    TableEncoding encoding;
    encoding.task = TableEncoding::Task(task);
    const Dataset dataset = encodeTable(parse(text), encoding);
    QCOMPARE(dataset.task, classification ? TaskType::Classification : TaskType::Regression);
    QStringList names;
    for (const std::string& name : dataset.classNames)
        names << QString::fromStdString(name);
    QCOMPARE(names, classNames);
    QCOMPARE(dataset.labels, labels);
    QCOMPARE(dataset.targets, targets);
    QCOMPARE(dataset.targetShape, classification ? Shape{} : Shape{1});
    QCOMPARE(dataset.encoding["target"]["task"], classification ? "classification" : "regression");
    if (classification)
        QCOMPARE(dataset.encoding["target"]["classes"].size(), size_t(classNames.size()));
}

void TestCsv::encodeWords_data()
{
    QTest::addColumn<qint64>("length");
    QTest::addColumn<qint64>("vocabulary");
    QTest::addColumn<std::vector<float>>("features");
    // Vocabulary by count, ties by first appearance: the cat sat dog a naïve café = ids 2..8.
    QTest::newRow("longest") << qint64(0) << qint64(100) << floats({2, 3, 4, 2, 5, 0, 6, 3, 0, 7, 8, 0});
    QTest::newRow("truncated") << qint64(2) << qint64(100) << floats({2, 3, 2, 5, 6, 3, 7, 8});
    QTest::newRow("padded") << qint64(4) << qint64(100) << floats({2, 3, 4, 0, 2, 5, 0, 0, 6, 3, 0, 0, 7, 8, 0, 0});
    QTest::newRow("small vocabulary") << qint64(0) << qint64(2) << floats({2, 3, 1, 2, 1, 0, 1, 3, 0, 1, 1, 0});
}

void TestCsv::encodeWords()
{
    QFETCH(qint64, length);
    QFETCH(qint64, vocabulary);
    QFETCH(std::vector<float>, features);
    const Table table = makeTable({textColumn("review", {"The cat sat", "the DOG", "A cat!", "", "naïve café"}),
                                   categoricalColumn("label", {"p", "n", "p", "n", "p"})});
    TableEncoding encoding;
    encoding.sequenceLength = length;
    encoding.maxVocabulary = vocabulary;
    const Dataset dataset = encodeTable(table, encoding); // the empty review's row is dropped
    QCOMPARE(dataset.featureDType, DType::Int64);
    const int64_t expectedLength = length ? length : 3;
    QCOMPARE(dataset.featureShape, (Shape{expectedLength}));
    QCOMPARE(dataset.features, features);
    QCOMPARE(dataset.labels, (std::vector<int64_t>{0, 1, 0, 0}));
    const auto& json = dataset.encoding["features"][0];
    QCOMPARE(json["kind"], "text");
    QCOMPARE(json["tokens"], "word");
    QCOMPARE(json["sequenceLength"], expectedLength);
    QCOMPARE(json["padding"], 0);
    QCOMPARE(json["unknown"], 1);
    const std::vector<std::string> all{"the", "cat", "sat", "dog", "a", "naïve", "café"};
    QCOMPARE(json["vocabulary"].get<std::vector<std::string>>(),
             std::vector<std::string>(all.begin(), all.begin() + std::min<qint64>(vocabulary, 7)));
}

void TestCsv::encodeChars()
{
    const Table table = makeTable({textColumn("name", {"Ab", "ba!", "é a", ""}),
                                   categoricalColumn("label", {"p", "n", "p", "n"})});
    TableEncoding encoding;
    encoding.tokens = TableEncoding::Tokens::Char;
    encoding.missing = TableEncoding::Missing::Mean; // an empty text is all padding
    const Dataset dataset = encodeTable(table, encoding);
    QCOMPARE(dataset.featureShape, (Shape{3}));
    // a b ! é ' ' = ids 2..6
    QCOMPARE(dataset.features, floats({2, 3, 0, 3, 2, 4, 5, 6, 2, 0, 0, 0}));
    QCOMPARE(dataset.encoding["features"][0]["vocabulary"].get<std::vector<std::string>>(),
             (std::vector<std::string>{"a", "b", "!", "é", " "}));
    QCOMPARE(dataset.encoding["features"][0]["tokens"], "char");
}

void TestCsv::encodeErrors()
{
    const Table table = parse("x,color,y\n1,red,a\n2,green,b\n3,red,a\n");
    const Table texts = makeTable({textColumn("t1", {"a b", "c"}), textColumn("t2", {"d", "e"}),
                                   numericColumn("x", {1, 2}), categoricalColumn("y", {"p", "q"})});
    const auto encodeWith = [](const Table& source, std::function<void(TableEncoding&)> change) {
        return errorOf([&] {
            TableEncoding encoding;
            change(encoding);
            encodeTable(source, encoding);
        });
    };
    const struct {
        QString error;
        QString expected;
    } cases[] = {
        {encodeWith(table, [](auto& e) { e.target = "z"; }),
         "data.csv: no column 'z' for the target; the columns are 'x', 'color', 'y'"},
        {encodeWith(table, [](auto& e) { e.features = {"x", "size"}; }), "data.csv: no column 'size' for the features"},
        {encodeWith(table, [](auto& e) { e.features = {"x", "y"}; }),
         "data.csv: column 'y' is the target; it cannot also be a feature"},
        {encodeWith(table, [](auto& e) { e.features = {"x", "x"}; }),
         "data.csv: column 'x' is listed twice among the features"},
        {encodeWith(table, [](auto& e) { e.task = TableEncoding::Task::Regression; }),
         "data.csv: target column 'y' is categorical; regression needs a numeric target"},
        {encodeWith(parse("x,y\n1,a\n2,a\n"), [](auto&) {}),
         "data.csv: target column 'y' has only one class ('a'); classification needs at least two"},
        {encodeWith(parse("x,z,y\n1,NA,a\n2,NA,b\n"), [](auto&) {}),
         "data.csv: no rows left: 0 lack the target 'y' and 2 lack a feature value"},
        {encodeWith(parse("x,z,y\n1,NA,a\n2,NA,b\n"), [](auto& e) { e.missing = TableEncoding::Missing::Mean; }),
         "data.csv: column 'z' has no values to fill its missing cells from"},
        {encodeWith(texts, [](auto& e) { e.features = {"t1", "t2"}; }),
         "data.csv: text columns 't1', 't2' are all features"},
        {encodeWith(texts, [](auto& e) { e.features = {"t1", "x"}; }),
         "data.csv: text column 't1' cannot be mixed with other features ('x'); use it alone"},
        {encodeWith(texts, [](auto& e) { e.features = {"t1"}, e.sequenceLength = -1; }),
         "data.csv: the sequence length must be between 0"},
        {encodeWith(texts, [](auto& e) { e.features = {"t1"}, e.maxVocabulary = 0; }),
         "data.csv: the vocabulary size must be between 1 and 16777214, got 0"},
        {encodeWith(makeTable({numericColumn("y", {1, 2})}), [](auto&) {}),
         "data.csv: no feature columns besides the target 'y'"},
    };
    for (const auto& check : cases)
        QVERIFY2(check.error.startsWith(check.expected), qPrintable(check.error + " / " + check.expected));

    // One-hot codes wider than memory allows are refused before allocating.
    TableColumn wide = categoricalColumn("c", {});
    for (int level = 0; level < (1 << 20); ++level)
        wide.levels.push_back(std::to_string(level));
    std::vector<double> target;
    for (int row = 0; row < 1025; ++row) {
        wide.codes.push_back(row);
        target.push_back(row % 2);
    }
    QCOMPARE(encodeWith(makeTable({std::move(wide), numericColumn("y", target)}), [](auto&) {}),
             QString("data.csv: 1025 samples of 1048576 values are too many to hold in memory; encode categories "
                     "as an index instead of one-hot, or use fewer columns"));
}

void TestCsv::profileStats()
{
    const Table table = makeTable({numericColumn("n", {1, 2, 3, 4, kNaN}),
                                   categoricalColumn("c", {"a", "b", "a", "a", ""}),
                                   textColumn("t", {"hello", "foo", "hello", "", "bar"})});
    const DataProfile profile = profileTable(table, "c");
    QCOMPARE(profile.rows, int64_t(5));
    QCOMPARE(profile.columns.size(), size_t(3));
    const ColumnStats& n = profile.columns[0];
    QCOMPARE(n.kind, std::string("numeric"));
    QCOMPARE(n.count, int64_t(4));
    QCOMPARE(n.missing, int64_t(1));
    QCOMPARE(n.distinct, int64_t(4));
    QCOMPARE(n.min, 1.0);
    QCOMPARE(n.max, 4.0);
    QCOMPARE(n.mean, 2.5);
    QCOMPARE(n.std, std::sqrt(5.0 / 3.0)); // sample standard deviation
    const ColumnStats& c = profile.columns[1];
    QCOMPARE(c.kind, std::string("categorical"));
    QCOMPARE(c.count, int64_t(4));
    QCOMPARE(c.distinct, int64_t(2));
    QVERIFY(std::isnan(c.mean));
    QCOMPARE(profile.columns[2].kind, std::string("text"));
    QCOMPARE(profile.columns[2].distinct, int64_t(3));
    QCOMPARE(profile.classNames, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(profile.classCounts, (std::vector<int64_t>{3, 1}));

    const QualityIssue* missing = findIssue(profile, "missing_values", "n");
    QVERIFY(missing);
    QCOMPARE(missing->message, std::string("column 'n': 1 of 5 values missing (20.0%)"));
    QCOMPARE(missing->fix, nlohmann::json({{"missing", "mean"}}));
    QCOMPARE(findIssue(profile, "missing_values", "t")->fix, nlohmann::json({{"missing", "most_frequent"}}));
    QVERIFY(findIssue(profile, "missing_values", "c")->fix.is_null()); // the target
    const QualityIssue* few = findIssue(profile, "too_few_samples");
    QVERIFY(few);
    QCOMPARE(few->message, std::string("2 classes have fewer than 10 samples: 'a' (3), 'b' (1); collect more or "
                                       "merge classes"));
    QVERIFY(!findIssue(profile, "class_imbalance"));

    const nlohmann::ordered_json json = profile.toJson();
    std::vector<std::string> keys;
    for (const auto& item : json.items())
        keys.push_back(item.key());
    QCOMPARE(keys, (std::vector<std::string>{"rows", "columns", "classes", "issues", "notes"}));
    keys.clear();
    for (const auto& item : json["columns"][0].items())
        keys.push_back(item.key());
    QCOMPARE(keys, (std::vector<std::string>{"name", "kind", "count", "missing", "distinct", "min", "max", "mean",
                                             "std"}));
    QVERIFY(json["columns"][1]["mean"].is_null());
    QCOMPARE(json["classes"][1], nlohmann::ordered_json({{"name", "b"}, {"count", 1}}));
    QCOMPARE(json["issues"][0]["fix"], nlohmann::ordered_json({{"missing", "mean"}}));

    QCOMPARE(errorOf([&] { profileTable(table, "nope"); }), QString("data.csv: no column 'nope' for the target"));
}

void TestCsv::profileIssues()
{
    const DataProfile duplicates = profileTable(parse("a,b\n1,x\n2,y\n1,x\n1,x\n-0,y\n0,y\n"), "");
    QCOMPARE(findIssue(duplicates, "duplicate_rows")->message.substr(0, 39),
             std::string("3 of 6 rows repeat an earlier row (50.0"));
    QVERIFY(duplicates.classNames.empty());

    const DataProfile constant = profileTable(parse("a,b,c,y\n1,5,NA,p\n2,5,NA,q\n3,5,NA,p\n"), "y");
    const QualityIssue* same = findIssue(constant, "constant_column", "b");
    QVERIFY(same);
    QCOMPARE(same->message, std::string("column 'b' holds the same value ('5') in every row; it cannot help a model"));
    QCOMPARE(same->fix, nlohmann::json({{"features", {"a", "c"}}}));
    QCOMPARE(findIssue(constant, "constant_column", "c")->message.substr(0, 21), std::string("column 'c' is empty; "));
    QVERIFY(!findIssue(constant, "missing_values")); // an empty column is reported once, as constant
    QVERIFY(!findIssue(constant, "duplicate_rows"));

    QByteArray skewed = "x,y\n";
    for (int i = 0; i < 200; ++i)
        skewed += QByteArray::number(i) + (i % 40 == 0 ? ",rare\n" : ",common\n");
    const DataProfile imbalanced = profileTable(parse(skewed), "y");
    QCOMPARE(imbalanced.classCounts, (std::vector<int64_t>{5, 195}));
    const QualityIssue* imbalance = findIssue(imbalanced, "class_imbalance", "y");
    QVERIFY(imbalance);
    QCOMPARE(imbalance->message, std::string("classes are imbalanced: 'common' has 195 samples, 'rare' 5 (2.5%, "
                                             "39:1); split stratified and weight the classes"));
    QVERIFY(imbalance->fix.is_null());
    QVERIFY(imbalance->fixLabel.find("stratified") != std::string::npos);
    QVERIFY(findIssue(imbalanced, "too_few_samples"));

    // Whole-number targets with few values have a histogram too.
    const DataProfile digits = profileTable(parse("x,y\n1,3\n2,1\n3,3\n"), "y");
    QCOMPARE(digits.classNames, (std::vector<std::string>{"1", "3"}));
    QCOMPARE(digits.classCounts, (std::vector<int64_t>{1, 2}));
}

void TestCsv::profileImages()
{
    Dataset images;
    images.name = "images";
    images.featureShape = {2, 1, 2}; // two channels of 1 x 2
    images.featureBytes = {0, 255, 10, 10, /**/ 255, 255, 10, 10, /**/ 0, 255, 10, 10};
    images.labels = {0, 1, 0};
    images.numClasses = 2;
    images.classNames = {"cat", "dog"};
    images.unreadable = {"b.png: not an image"};
    const DataProfile profile = profileDataset(images, {"a.png: truncated"});
    QCOMPARE(profile.rows, int64_t(3));
    QCOMPARE(profile.columns.size(), size_t(2));
    QCOMPARE(profile.columns[0].name, std::string("channel 0"));
    QCOMPARE(profile.columns[0].kind, std::string("image"));
    QCOMPARE(profile.columns[0].count, int64_t(6));
    QCOMPARE(profile.columns[0].distinct, int64_t(2));
    QCOMPARE(profile.columns[0].min, 0.0);
    QCOMPARE(profile.columns[0].max, 1.0);
    QCOMPARE(profile.columns[0].mean, 4.0 / 6.0);
    QCOMPARE(profile.columns[1].mean, double(10.0f / 255.0f));
    QCOMPARE(profile.classNames, (std::vector<std::string>{"cat", "dog"}));
    QCOMPARE(profile.classCounts, (std::vector<int64_t>{2, 1}));
    QCOMPARE(findIssue(profile, "duplicate_rows")->message, std::string("1 of 3 samples repeat an earlier sample (33.3%)"));
    QCOMPARE(findIssue(profile, "constant_column")->column, std::string("channel 1"));
    QCOMPARE(findIssue(profile, "unreadable_images")->message,
             std::string("2 files were skipped as unreadable: a.png: truncated; b.png: not an image"));

    // The same images as floats give the same statistics.
    Dataset floats = images;
    for (size_t i = 0; i < images.featureBytes.size(); ++i)
        floats.features.push_back(images.feature(int64_t(i)));
    floats.featureBytes.clear();
    const DataProfile same = profileDataset(floats);
    for (size_t c = 0; c < 2; ++c) {
        QCOMPARE(same.columns[c].mean, profile.columns[c].mean);
        QCOMPARE(same.columns[c].std, profile.columns[c].std);
        QCOMPARE(same.columns[c].max, profile.columns[c].max);
        QCOMPARE(same.columns[c].distinct, int64_t(-1));
    }
}

void TestCsv::profileVectors()
{
    Dataset vectors;
    vectors.name = "vectors";
    vectors.featureShape = {70};
    for (int sample = 0; sample < 4; ++sample) {
        for (int i = 0; i < 70; ++i)
            vectors.features.push_back(i % 10 == 5 ? 7.0f : float(sample * i));
    }
    vectors.features[1] = float(kNaN);
    vectors.task = TaskType::Regression;
    vectors.targetShape = {1};
    vectors.targets = {1, 2, 3, 4};
    const DataProfile profile = profileDataset(vectors);
    QCOMPARE(profile.columns.size(), size_t(65)); // 64 features and the target
    QCOMPARE(profile.columns[2].name, std::string("feature 2"));
    QCOMPARE(profile.columns[2].mean, 3.0); // 0, 2, 4, 6
    QCOMPARE(profile.columns[2].std, std::sqrt(20.0 / 3.0));
    QCOMPARE(profile.columns[1].missing, int64_t(1));
    QCOMPARE(profile.columns[64].name, std::string("target"));
    QCOMPARE(profile.columns[64].mean, 2.5);
    QCOMPARE(profile.notes, (std::vector<std::string>{"statistics of the first 64 of 70 features"}));
    QVERIFY(profile.classNames.empty());
    QCOMPARE(findIssue(profile, "missing_values")->message, std::string("feature 1: 1 of 4 values are not numbers (25.0%)"));
    // Feature 0 is 0 everywhere, and 5, 15, ..., 65 are 7.
    QCOMPARE(findIssue(profile, "constant_column")->message,
             std::string("8 of 70 features hold the same value in every sample (0, 5, 15, 25, 35, ...)"));
    QVERIFY(!findIssue(profile, "duplicate_rows"));
}

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
