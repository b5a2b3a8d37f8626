#include "data/tableencoder.h"

#include "common/datatestutil.h"
#include "common/tabletestutil.h"

#include <QtTest>

#include <cmath>

using namespace lepton;
using namespace lepton::testing;

namespace {

std::vector<float> floats(std::initializer_list<double> values)
{
    return std::vector<float>(values.begin(), values.end());
}

// The 5-row table of the missing-value rows: n numeric, c categorical, y the
// target; the last row has no target.
const QByteArray kMissingTable = "n,c,y\n1,red,a\nNA,red,b\n3,blue,a\n10,NA,b\n4,blue,b\n100,green,NA\n";

} // namespace

class TestTableEncoding : public QObject {
    Q_OBJECT

private Q_SLOTS:
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
};

void TestTableEncoding::encodeCategorical_data()
{
    QTest::addColumn<bool>("oneHot");
    QTest::addColumn<std::vector<float>>("features");
    QTest::newRow("one-hot") << true << floats({1, 1, 0, 0, 2, 0, 1, 0, 3, 1, 0, 0, 4, 0, 0, 1});
    QTest::newRow("index") << false << floats({1, 0, 2, 1, 3, 0, 4, 2});
}

void TestTableEncoding::encodeCategorical()
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

void TestTableEncoding::encodeMissing_data()
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

void TestTableEncoding::encodeMissing()
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

void TestTableEncoding::encodeTask_data()
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

void TestTableEncoding::encodeTask()
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

void TestTableEncoding::encodeWords_data()
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

void TestTableEncoding::encodeWords()
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

void TestTableEncoding::encodeChars()
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

void TestTableEncoding::encodeErrors()
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

QTEST_GUILESS_MAIN(TestTableEncoding)
#include "tst_tableencoding.moc"
