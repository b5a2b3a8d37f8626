// Sweep specifications: the trials each method makes, and the overrides
// that put a trial's values into a project.
#include <QtTest>

#include "graph/layerregistry.h"
#include "project/project.h"
#include "sweep/projectoverride.h"
#include "sweep/sweepspec.h"

#include <cmath>
#include <set>

using namespace lepton;

class SweepTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gridTriesEveryCombination()
    {
        const SweepSpec spec = sweepSpecFromJson(nlohmann::json::parse(R"({
            "parameters": {"learning_rate": {"values": [0.1, 0.01, 0.001]}, "optimizer": {"values": ["adam", "sgd"]}}})"));
        const std::vector<TrialValues> trials = sweepTrials(spec);
        QCOMPARE(trials.size(), size_t(6));
        std::set<std::string> seen;
        for (const TrialValues& trial : trials)
            seen.insert(trial.at("learning_rate").dump() + trial.at("optimizer").dump());
        QCOMPARE(seen.size(), size_t(6));
        QCOMPARE(spec.metric, std::string("validation_loss"));
        QVERIFY(!spec.higherIsBetter);
    }

    void randomDrawsInsideTheRangesAndRepeatsWithItsSeed()
    {
        const auto json = nlohmann::json::parse(R"({"method": "random", "trials": 200, "seed": 7,
            "metric": "validation_accuracy",
            "parameters": {"learning_rate": {"min": 1e-4, "max": 1e-1, "log": true},
                           "batch_size": {"min": 16, "max": 128}}})");
        const SweepSpec spec = sweepSpecFromJson(json);
        QVERIFY(spec.higherIsBetter);
        const std::vector<TrialValues> trials = sweepTrials(spec);
        QCOMPARE(trials.size(), size_t(200));
        int belowMillesimal = 0;
        for (const TrialValues& trial : trials) {
            const double rate = trial.at("learning_rate").get<double>();
            QVERIFY(rate >= 1e-4 && rate <= 1e-1);
            belowMillesimal += rate < 1e-3;
            QVERIFY(trial.at("batch_size").is_number_integer());
            QVERIFY(trial.at("batch_size").get<int>() >= 16 && trial.at("batch_size").get<int>() <= 128);
        }
        // Log-uniform: a third of the draws in each decade, give or take.
        QVERIFY2(belowMillesimal > 40 && belowMillesimal < 95, qPrintable(QString::number(belowMillesimal)));
        QVERIFY(sweepTrials(spec) == trials);
    }

    void halvingRungsGrowByTheReduction()
    {
        SweepSpec spec = sweepSpecFromJson(nlohmann::json::parse(R"({"method": "halving", "trials": 8, "min_epochs": 2,
            "parameters": {"learning_rate": {"values": [0.1, 0.01]}}})"));
        QCOMPARE(halvingRungs(spec, 8, 20), std::vector<int>({2, 4, 8, 16}));
        QCOMPARE(halvingRungs(spec, 8, 5), std::vector<int>({2, 4, 5}));
        QCOMPARE(halvingRungs(spec, 1, 20), std::vector<int>({2}));
    }

    void badSpecsNameWhere_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("problem");
        QTest::newRow("method") << R"({"method": "bayes", "parameters": {"x": {"values": [1]}}})" << "sweep.method: 'bayes' is not one of";
        QTest::newRow("metric") << R"({"metric": "f1", "parameters": {"x": {"values": [1]}}})" << "sweep.metric: 'f1' is not one of";
        QTest::newRow("no parameters") << R"({"method": "grid"})" << "sweep.parameters: expected an object";
        QTest::newRow("empty values") << R"({"parameters": {"x": {"values": []}}})" << "sweep.parameters.x.values: expected a list";
        QTest::newRow("log from zero") << R"({"method": "random", "parameters": {"x": {"min": 0, "max": 1, "log": true}}})" << "a log range needs a positive min";
        QTest::newRow("unknown key") << R"({"trails": 3, "parameters": {"x": {"values": [1]}}})" << "sweep.trails: unknown key";
        QTest::newRow("halving by 1") << R"({"method": "halving", "reduction": 1, "parameters": {"x": {"values": [1]}}})" << "sweep.reduction:";
    }

    void badSpecsNameWhere()
    {
        QFETCH(QString, json);
        QFETCH(QString, problem);
        try {
            sweepSpecFromJson(nlohmann::json::parse(json.toStdString()));
            QFAIL("accepted");
        } catch (const std::invalid_argument& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(problem), error.what());
        }
    }

    void overridesSetTrainingAndLayerValues()
    {
        Project project = loadProject(LEPTON_SOURCE_DIR "/projects/spiral-mlp.lepton", LayerRegistry::builtin());
        applyOverride(project, "learning_rate", 0.5, LayerRegistry::builtin());
        applyOverride(project, "optimizer", "sgd", LayerRegistry::builtin());
        applyOverride(project, "fc1.out_features", 32, LayerRegistry::builtin());
        QCOMPARE(project.training.learningRate, 0.5);
        QCOMPARE(toString(project.training.optimizer), std::string("sgd"));
        QCOMPARE(project.graph.nodeByName("fc1")->params["out_features"].get<int>(), 32);
        const auto refused = [&](const std::string& key, const nlohmann::json& value) {
            try {
                applyOverride(project, key, value, LayerRegistry::builtin());
                return std::string();
            } catch (const std::invalid_argument& error) {
                return std::string(error.what());
            }
        };
        QVERIFY(refused("learning_rate", -1).find("'learning_rate' = -1: ") == 0);
        QVERIFY(refused("momentum_typo", 1).find("not a training setting") != std::string::npos);
        QVERIFY(refused("fc1.kernel_size", 3).find("a Linear layer has no parameter 'kernel_size'") != std::string::npos);
        QCOMPARE(project.graph.nodeByName("fc1")->params["out_features"].get<int>(), 32); // a refused value changes nothing
        QCOMPARE(parseOverride("optimizer=adam").second, nlohmann::json("adam"));
        QCOMPARE(parseOverride("learning_rate=1e-3").second, nlohmann::json(1e-3));
        QCOMPARE(parseOverride("fc1.out_features=64").first, std::string("fc1.out_features"));
    }
};

QTEST_GUILESS_MAIN(SweepTest)
#include "tst_sweep.moc"
