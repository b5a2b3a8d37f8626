#include "data/dataprofile.h"

#include "common/datatestutil.h"
#include "common/tabletestutil.h"

#include <QtTest>

#include <cmath>

using namespace lepton;
using namespace lepton::testing;

namespace {

const QualityIssue* findIssue(const DataProfile& profile, const std::string& kind, const std::string& column = {})
{
    for (const QualityIssue& issue : profile.issues) {
        if (issue.kind == kind && (column.empty() || issue.column == column))
            return &issue;
    }
    return nullptr;
}

} // namespace

class TestDataProfile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void profileStats();
    void profileIssues();
    void profileImages();
    void profileVectors();
};

void TestDataProfile::profileStats()
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

void TestDataProfile::profileIssues()
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

void TestDataProfile::profileImages()
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

void TestDataProfile::profileVectors()
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

QTEST_GUILESS_MAIN(TestDataProfile)
#include "tst_dataprofile.moc"
