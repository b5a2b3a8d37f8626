#include "data/columninference.h"
#include "data/csvreader.h"

#include "common/datatestutil.h"
#include "common/tabletestutil.h"

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

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
