#include "graph/layerregistry.h"
#include "train/runchecks.h"
#include "train/trainer.h"
#include "train/threadplan.h"
#include "model/modelsummary.h"
#include "model/onednnbuild.h"

#include "common/imagetestutil.h"
#include "common/traintestutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace lepton;
using namespace lepton::testing;

class TestTrain : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A run whose loss takes off without becoming NaN fails as diverged,
    // naming the epoch; the saved checkpoint keeps the weights from before.
    void aDivergingRunIsReportedAsDiverged()
    {
        TrainingJob job = spiralJob(4);
        job.config.learningRate = 100.0;
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY(endsOnce(events, TrainerState::Failed));
        QVERIFY2(QString::fromStdString(events.back().message)
                     .contains(QRegularExpression("^the loss diverged in epoch 1: [0-9.e+]+ against [0-9.]+ at the "
                                                  "start; lower the learning rate \\(now 100\\)$")),
                 events.back().message.c_str());

        QCOMPARE(divergenceProblem(3.8e27, 1.1, 2, 1e6),
                 std::string("the loss diverged in epoch 2: 3.8e+27 against 1.1 at the start; lower the learning rate "
                             "(now 1e+06)"));
        QCOMPARE(divergenceProblem(50.0, 1.1, 3, 0.1), std::string()); // high, but no take-off
        QCOMPARE(divergenceProblem(2e9, 3e8, 1, 0.1), std::string());  // regression on large targets
        QCOMPARE(divergenceProblem(5e4, 0.001, 1, 0.1), std::string("the loss diverged in epoch 1: 5e+04 against "
                                                                     "0.001 at the start; lower the learning rate (now 0.1)"));
    }

    void spiralMlpLearns()
    {
        const int epochs = 30;
        QElapsedTimer timer;
        timer.start();
        std::vector<TrainingEvent> events = run(spiralJob(epochs));
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        QVERIFY((states(events)
                 == std::vector<TrainerState>{TrainerState::Preparing, TrainerState::Running,
                                              TrainerState::Finished}));

        const auto epochMetrics = pick(events, Kind::Epoch, &TrainingEvent::epoch);
        const auto batches = pick(events, Kind::Batch, &TrainingEvent::batch);
        QCOMPARE(int(epochMetrics.size()), epochs);
        QVERIFY(!batches.empty());
        // 2400 training samples in batches of 64: 37 full ones and one of 32.
        QCOMPARE(batches.front().batchesPerEpoch, int64_t(38));
        QCOMPARE(int64_t(batches.size()), epochs * batches.front().batchesPerEpoch);
        QCOMPARE(batches.back().epoch, epochs);
        for (const BatchMetrics& batch : batches) {
            QVERIFY(std::isfinite(batch.loss));
            QVERIFY(batch.accuracy >= 0.0 && batch.accuracy <= 1.0);
        }

        const EpochMetrics& first = epochMetrics.front();
        const EpochMetrics& last = epochMetrics.back();
        QVERIFY(last.trainLoss < first.trainLoss);
        QVERIFY(last.validationAccuracy.has_value() && last.validationLoss.has_value());
        QVERIFY2(*last.validationAccuracy > 0.90,
                 qPrintable(QString::number(*last.validationAccuracy)));

        const TrainingSummary& summary = events.back().summary;
        QCOMPARE(summary.epochsCompleted, epochs);
        QVERIFY(summary.lastEpoch.has_value());
        QCOMPARE(summary.lastEpoch->validationAccuracy, last.validationAccuracy);
        QCOMPARE(summary.device, std::string("cpu"));
        QVERIFY(summary.samplesPerSecond > 0.0);
        QVERIFY(!summary.testAccuracy.has_value());
        qInfo("spiral MLP: %d epochs in %.2f s (test wall time %.2f s), validation accuracy %.4f, "
              "%.0f samples/s",
              epochs, summary.seconds, timer.elapsed() / 1000.0, *last.validationAccuracy,
              summary.samplesPerSecond);
    }

    void sameSeedSameRun()
    {
        auto losses = [](uint64_t seed) {
            TrainingJob job = spiralJob(2);
            job.config.seed = seed;
            std::vector<double> values;
            for (const EpochMetrics& epoch : pick(run(job), Kind::Epoch, &TrainingEvent::epoch)) {
                values.push_back(epoch.trainLoss);
                values.push_back(epoch.validationLoss.value_or(-1.0));
            }
            return values;
        };
        const std::vector<double> first = losses(7);
        QCOMPARE(first.size(), size_t(4));
        QVERIFY(first == losses(7));
        QVERIFY(first != losses(8));
    }

    // Images decoded per batch train exactly as the same images kept in
    // memory: same batches, same scaling, same losses to the last bit.
    void perBatchImagesTrainAsInMemory()
    {
        QTemporaryDir dir;
        for (int i = 0; i < 48; ++i) {
            const int label = i % 3;
            const std::vector<uint8_t> colour = {uint8_t(label == 0 ? 200 : 30 + i), uint8_t(label == 1 ? 200 : 40),
                                                 uint8_t(label == 2 ? 200 : 3 * i)};
            writeImage(dir.filePath(QStringLiteral("c%1/%2.png").arg(label).arg(i)), 8, 8, solid(8, 8, colour));
        }
        const auto metrics = [&](const char* decode) {
            TrainingJob job;
            job.graph = chain({{"Input", "input", {{"shape", {3, 8, 8}}}},
                               {"Flatten", "flatten"},
                               {"Linear", "head", {{"out_features", 3}}},
                               {"Output", "out"}});
            job.dataset.source = "images";
            job.dataset.params = {{"folder", dir.path().toStdString()}, {"width", 8}, {"height", 8}, {"decode", decode}};
            job.dataset.split = {{"validation", 0.25}};
            job.dataset.preprocessing = {{"normalize", "standardize"}};
            job.config.optimizer = OptimizerKind::Adam;
            job.config.learningRate = 0.01;
            job.config.batchSize = 8;
            job.config.epochs = 3;
            const std::vector<TrainingEvent> events = run(job);
            const std::string error = events.back().message;
            std::vector<double> values;
            for (const EpochMetrics& epoch : pick(events, Kind::Epoch, &TrainingEvent::epoch)) {
                values.push_back(epoch.trainLoss);
                values.push_back(epoch.validationLoss.value_or(-1.0));
                values.push_back(epoch.validationAccuracy.value_or(-1.0));
            }
            return std::make_pair(values, error);
        };
        const auto [memory, memoryError] = metrics("in_memory");
        QVERIFY2(memory.size() == 9, memoryError.c_str());
        QVERIFY(memory[6] < memory[0]); // it learns
        QCOMPARE(metrics("per_batch").first, memory);
    }

    void otherTasksAndSettings_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<bool>("classification");
        QTest::newRow("mse on one-hot classes") << "mse" << true;
        QTest::newRow("sgd with weight decay") << "sgd" << true;
        QTest::newRow("sine regression") << "sine" << false;
        QTest::newRow("with test set, no validation") << "test" << true;
    }

    void otherTasksAndSettings()
    {
        QFETCH(QString, variant);
        QFETCH(bool, classification);
        TrainingJob job = spiralJob(2);
        if (variant == "mse")
            job.config.loss = LossKind::MSE;
        if (variant == "sgd") {
            job.config.optimizer = OptimizerKind::SGD;
            job.config.weightDecay = 1e-4;
        }
        if (variant == "sine") {
            job.dataset.params["generator"] = "sine";
            job.graph = mlp({1}, {16}, 1);
            job.config.loss = LossKind::MSE;
        }
        if (variant == "test") {
            job.dataset.params["test_samples"] = 500;
            job.dataset.split["validation"] = 0.0;
        }

        std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        const auto epochs = pick(events, Kind::Epoch, &TrainingEvent::epoch);
        QCOMPARE(epochs.size(), size_t(2));
        QVERIFY(std::isfinite(epochs.back().trainLoss));
        QCOMPARE(std::isnan(epochs.back().trainAccuracy), !classification);
        QCOMPARE(epochs.back().validationLoss.has_value(), variant != "test");
        const TrainingSummary& summary = events.back().summary;
        QCOMPARE(summary.testLoss.has_value(), variant == "test");
        QCOMPARE(summary.testAccuracy.has_value(), variant == "test");
    }

    // Every optimizer, loss and clipping trains and lowers the loss.
    void everyOptimizerAndLossTrains_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("value");
        for (const char* optimizer : {"adam", "adamw", "sgd", "rmsprop", "adagrad"})
            QTest::newRow(optimizer) << "optimizer" << optimizer;
        QTest::newRow("sgd nesterov") << "nesterov" << "true";
        for (const char* loss : {"cross_entropy", "nll", "bce_with_logits", "mse", "l1", "smooth_l1", "huber"})
            QTest::newRow(loss) << "loss" << loss;
        QTest::newRow("clip norm") << "gradient_clipping" << "norm";
        QTest::newRow("clip value") << "gradient_clipping" << "value";
        QTest::newRow("label smoothing") << "label_smoothing" << "0.1";
        QTest::newRow("class weights") << "class_weights" << "[1, 2, 0.5]";
    }

    void everyOptimizerAndLossTrains()
    {
        QFETCH(QString, setting);
        QFETCH(QString, value);
        TrainingJob job = spiralJob(3);
        job.dataset.params["generator"] = "blobs"; // learnt in a few epochs by every setting
        nlohmann::json settings = trainingToJson(job.config);
        const nlohmann::json parsed = nlohmann::json::parse(value.toStdString(), nullptr, false);
        settings[setting.toStdString()] = parsed.is_discarded() ? nlohmann::json(value.toStdString()) : parsed;
        if (setting == "nesterov")
            settings["optimizer"] = "sgd";
        if (settings["optimizer"] == "sgd" || settings["optimizer"] == "adagrad")
            settings["learning_rate"] = 0.1;
        if (setting == "gradient_clipping")
            settings["clip_value"] = 0.5;
        QCOMPARE(QString::fromStdString(trainingProblem(settings)), QString());
        job.config = trainingFromJson(settings);
        if (value == "nll") { // nll takes log-probabilities
            std::vector<Layer> layers = {{"Input", "input", {{"shape", {2}}}},
                                         {"Linear", "fc1", {{"out_features", 64}}},
                                         {"ReLU", "relu1"},
                                         {"Linear", "head", {{"out_features", 3}}},
                                         {"LogSoftmax", "log_probabilities"},
                                         {"Output", "out"}};
            job.graph = chain(layers);
        }
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        const auto epochs = pick(events, Kind::Epoch, &TrainingEvent::epoch);
        QCOMPARE(epochs.size(), size_t(3));
        QVERIFY2(epochs.back().trainLoss < epochs.front().trainLoss,
                 qPrintable(QStringLiteral("%1 -> %2").arg(epochs.front().trainLoss).arg(epochs.back().trainLoss)));
        QVERIFY2(*epochs.back().validationAccuracy > 0.8, // three classes: chance is 1/3
                 qPrintable(QString::number(*epochs.back().validationAccuracy)));
    }

    void scheduleSetsEveryBatchsRate()
    {
        TrainingJob job = spiralJob(3);
        job.config.schedule = ScheduleKind::Step;
        job.config.stepSize = 1;
        job.config.gamma = 0.5;
        job.config.warmupEpochs = 1;
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        const auto batches = pick(events, Kind::Batch, &TrainingEvent::batch);
        const int64_t perEpoch = batches.front().batchesPerEpoch;
        QCOMPARE(int64_t(batches.size()), 3 * perEpoch);
        // Warm-up over epoch 1, then the step schedule counts from 0.
        QCOMPARE(batches[0].learningRate, 0.01 / double(perEpoch));
        QCOMPARE(batches[size_t(perEpoch - 1)].learningRate, 0.01);
        QCOMPARE(batches[size_t(perEpoch)].learningRate, 0.01);
        QCOMPARE(batches.back().learningRate, 0.005);
        QCOMPARE(pick(events, Kind::Epoch, &TrainingEvent::epoch).back().learningRate, 0.005);
    }

    // Early stopping ends the run once the metric stalls and keeps the best
    // epoch's weights: the test set then scores as after that epoch alone.
    void earlyStoppingRestoresTheBestEpoch()
    {
        TrainingJob once = spiralJob(1);
        once.dataset.params["test_samples"] = 300;
        const std::vector<TrainingEvent> oneEpoch = run(once);
        QVERIFY2(endsOnce(oneEpoch, TrainerState::Finished), oneEpoch.back().message.c_str());

        TrainingJob job = once;
        job.config.epochs = 20;
        job.config.earlyStopping = true;
        job.config.monitor = MonitorKind::TrainLoss;
        job.config.patience = 2;
        job.config.minDelta = 1e9; // nothing after the first epoch counts as better
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        const TrainingSummary& summary = events.back().summary;
        QCOMPARE(summary.epochsCompleted, 3);
        QVERIFY(summary.stoppedEarly);
        QCOMPARE(summary.bestEpoch, 1);
        QCOMPARE(*summary.testLoss, *oneEpoch.back().summary.testLoss);
        const auto logs = pick(events, Kind::Log, &TrainingEvent::message);
        QVERIFY(std::any_of(logs.begin(), logs.end(), [](const std::string& line) {
            return line.find("early stopping after epoch 3: train_loss has not improved for 2 epochs") == 0;
        }));
    }

    // Convolution-heavy networks give the layers every core, large matrix
    // products give them to oneDNN's Linear on the same pool or, without it,
    // to OpenBLAS; small steps stay on one thread.
    void threadPlanFollowsTheWork()
    {
        const auto plan = [](const Graph& graph, int64_t batchSize, int cores, bool oneDnnLinear = true) {
            return planThreads(summarizeModel(graph, LayerRegistry::builtin()), batchSize, cores, oneDnnLinear);
        };
        const Graph cnn = chain({{"Input", "input", {{"shape", {1, 28, 28}}}},
                                 {"Conv2d", "conv1", {{"out_channels", 32}, {"padding", 1}}},
                                 {"ReLU", "relu1"},
                                 {"MaxPool2d", "pool1"},
                                 {"Conv2d", "conv2", {{"out_channels", 64}, {"padding", 1}}},
                                 {"ReLU", "relu2"},
                                 {"MaxPool2d", "pool2"},
                                 {"Flatten", "flatten"},
                                 {"Linear", "head", {{"out_features", 10}}},
                                 {"Output", "out"}});
        const ThreadPlan convolutional = plan(cnn, 128, 4);
        QCOMPARE(convolutional.intraOp, 4);
        QCOMPARE(convolutional.blas, 1);
        const ThreadPlan dense = plan(mlp({784}, {256, 128}, 10), 128, 4);
        QCOMPARE(dense.intraOp, 4);
        QCOMPARE(dense.blas, 1);
        const ThreadPlan denseOnOpenBlas = plan(mlp({784}, {256, 128}, 10), 128, 4, false);
        QCOMPARE(denseOnOpenBlas.intraOp, 1);
        QCOMPARE(denseOnOpenBlas.blas, 4);
        const ThreadPlan small = plan(mlp({2}, {64, 64}, 3), 32, 4);
        QCOMPARE(small.intraOp, 1);
        QCOMPARE(small.blas, 1);
        QCOMPARE(plan(cnn, 2, 4).intraOp, 1); // a tiny batch of the same network
        QCOMPARE(plan(cnn, 128, 1).intraOp, 1);

        // A run reports the plan it used, within the cores it was given.
        TrainingJob job = spiralJob(1);
        job.graph = mlp({2}, {2048, 2048}, 3);
        job.cores = 2;
        const TrainingSummary summary = run(job).back().summary;
        // Both cores go to the intra-op pool with oneDNN, to OpenBLAS without.
        QCOMPARE(summary.threads, oneDnnLinearBuilt() ? 2 : 1);
        QCOMPARE(summary.blasThreads, oneDnnLinearBuilt() ? 1 : 2);
    }

    // CUDA's options on the CPU: mixed precision says it does not apply and
    // the run trains in float32, channels-last leaves an MLP as it was.
    void cudaOptionsOnTheCpuTrainAsWithout()
    {
        const TrainingSummary plain = run(spiralJob(2)).back().summary;
        TrainingJob job = spiralJob(2);
        job.config.mixedPrecision = true;
        job.config.cudnnBenchmark = true;
        job.config.channelsLast = true;
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        const auto logs = pick(events, Kind::Log, &TrainingEvent::message);
        QVERIFY(std::count(logs.begin(), logs.end(), "mixed precision applies on CUDA only: training in float32 on cpu")
                == 1);
        QCOMPARE(events.back().summary.lastEpoch->trainLoss, plain.lastEpoch->trainLoss);
    }
};

QTEST_GUILESS_MAIN(TestTrain)
#include "tst_train.moc"
