#include "train/lrschedule.h"
#include "train/trainingconfig.h"

#include <QtTest>

using namespace lepton;

namespace {

constexpr int64_t kBatches = 10; // per epoch

TrainingConfig schedule(ScheduleKind kind, int epochs = 10)
{
    TrainingConfig config;
    config.learningRate = 0.1;
    config.schedule = kind;
    config.epochs = epochs;
    return config;
}

} // namespace

class TestLrSchedule : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void settingsRoundTrip()
    {
        // The schema's defaults are the config's, key for key, in order.
        const nlohmann::json defaults = withDefaults(trainingSchema(), nlohmann::json::object());
        const nlohmann::ordered_json written = trainingToJson(TrainingConfig{});
        QCOMPARE(written.size(), trainingSchema().size());
        size_t i = 0;
        for (const auto& [key, value] : written.items()) {
            QCOMPARE(QString::fromStdString(key), QString::fromStdString(trainingSchema()[i++].name));
            QCOMPARE(QString::fromStdString(value.dump()), QString::fromStdString(defaults.at(key).dump()));
        }
        nlohmann::json changed = written;
        changed["optimizer"] = "rmsprop";
        changed["milestones"] = {3, 7};
        changed["class_weights"] = {1.0, 0.25};
        changed["monitor"] = "train_accuracy";
        changed["device"] = "cuda:1";
        QCOMPARE(QString::fromStdString(trainingProblem(changed)), QString());
        QCOMPARE(QString::fromStdString(nlohmann::json(trainingToJson(trainingFromJson(changed))).dump()),
                 QString::fromStdString(changed.dump()));
        std::string param;
        changed["device"] = "tpu";
        QCOMPARE(QString::fromStdString(trainingProblem(changed, &param)),
                 QStringLiteral("unknown device 'tpu' (expected cpu, cuda or cuda:N)"));
        QCOMPARE(QString::fromStdString(param), QStringLiteral("device"));
    }

    void constantStepMultiStepExponential()
    {
        const LearningRateSchedule constant(schedule(ScheduleKind::Constant), kBatches);
        QCOMPARE(constant.rate(1, 0), 0.1);
        QCOMPARE(constant.rate(10, 9), 0.1);

        TrainingConfig step = schedule(ScheduleKind::Step);
        step.stepSize = 2;
        const LearningRateSchedule steps(step, kBatches);
        QCOMPARE(steps.rate(2, 9), 0.1);
        QCOMPARE(steps.rate(3, 0), 0.1 * 0.1);
        QCOMPARE(steps.rate(5, 4), 0.1 * 0.1 * 0.1);

        TrainingConfig multi = schedule(ScheduleKind::MultiStep);
        multi.milestones = {2, 4};
        multi.gamma = 0.5;
        const LearningRateSchedule multiStep(multi, kBatches);
        QCOMPARE(multiStep.rate(2, 9), 0.1);
        QCOMPARE(multiStep.rate(3, 0), 0.05);
        QCOMPARE(multiStep.rate(4, 9), 0.05);
        QCOMPARE(multiStep.rate(5, 0), 0.025);

        TrainingConfig exponential = schedule(ScheduleKind::Exponential);
        exponential.gamma = 0.5;
        QCOMPARE(LearningRateSchedule(exponential, kBatches).rate(3, 5), 0.025);
    }

    void cosineAndOneCycle()
    {
        TrainingConfig cosine = schedule(ScheduleKind::Cosine);
        cosine.minLearningRate = 0.02;
        const LearningRateSchedule annealing(cosine, kBatches);
        QCOMPARE(annealing.rate(1, 0), 0.1);
        QVERIFY(qFuzzyCompare(annealing.rate(6, 0), 0.06)); // halfway: the middle of the range
        QVERIFY(annealing.rate(10, 9) > 0.02 && annealing.rate(10, 9) < 0.0201);
        QVERIFY(annealing.rate(4, 0) < annealing.rate(3, 0));

        const LearningRateSchedule cycle(schedule(ScheduleKind::OneCycle), kBatches);
        QVERIFY(qFuzzyCompare(cycle.rate(1, 0), 0.1 / 25));
        QVERIFY(qFuzzyCompare(cycle.rate(3, 9), 0.1)); // the peak, 30% in (step 29 of 100)
        QVERIFY(cycle.rate(3, 8) < cycle.rate(3, 9) && cycle.rate(4, 0) < cycle.rate(3, 9));
        QVERIFY(qFuzzyCompare(cycle.rate(10, 9), 0.1 / 25 / 1e4));
    }

    void warmupComesFirst()
    {
        TrainingConfig config = schedule(ScheduleKind::Step);
        config.warmupEpochs = 2;
        config.stepSize = 1;
        config.gamma = 0.5;
        const LearningRateSchedule warm(config, kBatches);
        QCOMPARE(warm.rate(1, 0), 0.1 / 20);
        QVERIFY(qFuzzyCompare(warm.rate(1, 9), 0.1 / 2));
        QCOMPARE(warm.rate(2, 9), 0.1);
        QCOMPARE(warm.rate(3, 0), 0.1); // the schedule's first epoch
        QCOMPARE(warm.rate(4, 0), 0.05);
    }

    void plateauDropsAfterItsPatience()
    {
        TrainingConfig config = schedule(ScheduleKind::Plateau);
        config.plateauPatience = 2;
        config.gamma = 0.5;
        config.minLearningRate = 0.03;
        LearningRateSchedule plateau(config, kBatches);
        for (double loss : {1.0, 0.9, 0.95, 0.9})
            plateau.epochEnded(loss); // two epochs without a new best: not yet
        QCOMPARE(plateau.rate(5, 0), 0.1);
        plateau.epochEnded(0.91); // the third
        QCOMPARE(plateau.rate(6, 0), 0.05);
        for (int i = 0; i < 3; ++i)
            plateau.epochEnded(0.92);
        QCOMPARE(plateau.rate(9, 0), 0.03); // 0.025, held at the floor
        plateau.epochEnded(std::nullopt); // no metric: no change
        QCOMPARE(plateau.plateauFactor(), 0.25);
    }

    void metricWatch()
    {
        MetricWatch loss(false, 0.01);
        QVERIFY(loss.update(1.0));
        QVERIFY(!loss.update(0.995)); // not better by more than min_delta
        QCOMPARE(loss.epochsWithoutImprovement(), 1);
        QVERIFY(loss.update(0.98));
        QCOMPARE(*loss.best(), 0.98);
        QCOMPARE(loss.epochsWithoutImprovement(), 0);

        QVERIFY(!loss.update(std::numeric_limits<double>::quiet_NaN())); // never the best
        QCOMPARE(*loss.best(), 0.98);
        MetricWatch fromNaN(false, 0.0);
        QVERIFY(!fromNaN.update(std::numeric_limits<double>::quiet_NaN()));
        QVERIFY(fromNaN.update(5.0));

        MetricWatch accuracy(higherIsBetter(MonitorKind::ValidationAccuracy, MonitorMode::Auto), 0.0);
        QVERIFY(accuracy.update(0.5));
        QVERIFY(accuracy.update(0.6));
        QVERIFY(!accuracy.update(0.55));
        QVERIFY(!higherIsBetter(MonitorKind::TrainLoss, MonitorMode::Auto));
        QVERIFY(higherIsBetter(MonitorKind::TrainLoss, MonitorMode::Max));
    }
};

QTEST_GUILESS_MAIN(TestLrSchedule)
#include "tst_lrschedule.moc"
