#include "graph/layerregistry.h"
#include "train/trainer.h"
#include "train/threadplan.h"
#include "model/modelsummary.h"

#include "common/imagetestutil.h"
#include "common/npytestutil.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <thread>

using namespace lepton;
using namespace lepton::testing;

namespace {

using Kind = TrainingEvent::Kind;

// Guards against a hung run only; a healthy run here takes seconds.
constexpr std::chrono::seconds kRunLimit{300};
constexpr std::chrono::milliseconds kPoll{100};

struct Layer {
    std::string type;
    std::string name;
    nlohmann::json params = nlohmann::json::object();
};

// The layers in a chain, each feeding the next.
Graph chain(const std::vector<Layer>& layers)
{
    const LayerRegistry& registry = LayerRegistry::builtin();
    Graph graph;
    NodeId previous = 0;
    for (const Layer& layer : layers) {
        Node node = registry.makeNode(layer.type, graph);
        node.name = layer.name;
        node.params.update(layer.params);
        const NodeId id = graph.addNode(node);
        if (previous != 0)
            graph.addEdge({previous, 0, id, 0});
        previous = id;
    }
    return graph;
}

// Input -> Linear(hidden) -> ReLU -> ... -> Linear(outputs) -> Output.
Graph mlp(const Shape& inputShape, const std::vector<int64_t>& hidden, int64_t outputs)
{
    std::vector<Layer> layers{{"Input", "input", {{"shape", inputShape}}}};
    for (size_t i = 0; i < hidden.size(); ++i) {
        layers.push_back({"Linear", "fc" + std::to_string(i + 1), {{"out_features", hidden[i]}}});
        layers.push_back({"ReLU", "relu" + std::to_string(i + 1)});
    }
    layers.push_back({"Linear", "head", {{"out_features", outputs}}});
    layers.push_back({"Output", "out"});
    return chain(layers);
}

// The spiral MLP 2-64-64-3 on 3000 spiral samples, Adam at 0.01. Low noise:
// at 0.1 the arms of this 1.5-turn spiral overlap and no model passes ~0.75.
TrainingJob spiralJob(int epochs)
{
    TrainingJob job;
    job.graph = mlp({2}, {64, 64}, 3);
    job.dataset.params = {{"generator", "spiral"}, {"samples", 3000}, {"classes", 3}, {"noise", 0.02}};
    job.dataset.split = {{"validation", 0.2}};
    job.config.optimizer = OptimizerKind::Adam;
    job.config.learningRate = 0.01;
    job.config.batchSize = 64;
    job.config.epochs = epochs;
    return job;
}

// Every event of a run, up to and including its Finished event.
std::vector<TrainingEvent> runToEnd(Trainer& trainer)
{
    std::vector<TrainingEvent> events;
    const auto deadline = std::chrono::steady_clock::now() + kRunLimit;
    while (std::chrono::steady_clock::now() < deadline) {
        for (TrainingEvent& event : trainer.events().waitAndTakeAll(kPoll))
            events.push_back(std::move(event));
        if (!events.empty() && events.back().kind == Kind::Finished)
            break;
    }
    trainer.wait();
    for (TrainingEvent& event : trainer.events().takeAll())
        events.push_back(std::move(event));
    return events;
}

// Collects the run's events into `events` until one is `wanted`; false if
// none came within the time limit.
bool waitForEvent(Trainer& trainer, std::vector<TrainingEvent>& events,
                  const std::function<bool(const TrainingEvent&)>& wanted)
{
    const auto deadline = std::chrono::steady_clock::now() + kRunLimit;
    while (std::chrono::steady_clock::now() < deadline) {
        for (TrainingEvent& event : trainer.events().waitAndTakeAll(kPoll)) {
            const bool found = wanted(event);
            events.push_back(std::move(event));
            if (found)
                return true;
        }
    }
    return false;
}

std::vector<TrainingEvent> run(TrainingJob job)
{
    Trainer trainer;
    trainer.start(std::move(job));
    return runToEnd(trainer);
}

template <typename T>
std::vector<T> pick(const std::vector<TrainingEvent>& events, Kind kind, T TrainingEvent::*field)
{
    std::vector<T> picked;
    for (const TrainingEvent& event : events) {
        if (event.kind == kind)
            picked.push_back(event.*field);
    }
    return picked;
}

// Readable in QCOMPARE failures.
QString name(TrainerState state)
{
    return QString::fromStdString(toString(state));
}

std::vector<TrainerState> states(const std::vector<TrainingEvent>& events)
{
    return pick(events, Kind::State, &TrainingEvent::state);
}

// A run ends with exactly one Finished event whose state the last State event announced.
bool endsOnce(const std::vector<TrainingEvent>& events, TrainerState expected)
{
    const auto finished = std::count_if(events.begin(), events.end(), [](const TrainingEvent& e) {
        return e.kind == Kind::Finished;
    });
    const std::vector<TrainerState> seen = states(events);
    return finished == 1 && events.back().kind == Kind::Finished
        && events.back().state == expected && !seen.empty() && seen.back() == expected;
}

} // namespace

class TestTrain : public QObject {
    Q_OBJECT

private Q_SLOTS:
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

    // Every listener sees every event, in the same order.
    void eventsFanOutToEveryListener()
    {
        Trainer trainer;
        const std::shared_ptr<EventQueue> recorder = trainer.subscribe();
        const std::shared_ptr<EventQueue> printer = trainer.subscribe();
        trainer.start(spiralJob(2));
        const std::vector<TrainingEvent> events = runToEnd(trainer);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        const auto signature = [](const std::vector<TrainingEvent>& list) {
            std::vector<std::pair<int, int64_t>> kinds;
            for (const TrainingEvent& event : list)
                kinds.emplace_back(int(event.kind), event.kind == Kind::Batch ? event.batch.batch : int64_t(event.state));
            return kinds;
        };
        QVERIFY(signature(recorder->takeAll()) == signature(events));
        QVERIFY(signature(printer->takeAll()) == signature(events));
    }

    // A folder that cannot take checkpoints costs the checkpoints, not the run.
    void unwritableCheckpointsDoNotFailTheRun()
    {
        TrainingJob job = spiralJob(2);
        job.checkpointDir = "/proc/lepton-checkpoints"; // nobody can create this
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Finished), events.back().message.c_str());
        QCOMPARE(events.back().summary.epochsCompleted, 2);
        QVERIFY(events.back().summary.checkpoint.empty());
        const auto logs = pick(events, Kind::Log, &TrainingEvent::message);
        QCOMPARE(std::count_if(logs.begin(), logs.end(),
                               [](const std::string& line) { return line.rfind("no more checkpoints in this run: ", 0) == 0; }),
                 1L);
    }

    // A paused run holds before its next batch and goes on from where it was.
    void pauseHoldsTheRunUntilUnpaused()
    {
        TrainingJob job = spiralJob(1000);
        job.config.batchSize = 16;
        Trainer trainer;
        trainer.start(job);
        std::vector<TrainingEvent> events;
        const auto waitFor = [&](const std::function<bool(const TrainingEvent&)>& wanted) {
            return waitForEvent(trainer, events, wanted);
        };
        QVERIFY(waitFor([](const TrainingEvent& e) { return e.kind == Kind::Batch; }));
        trainer.setPaused(true);
        QVERIFY(waitFor([](const TrainingEvent& e) { return e.kind == Kind::State && e.state == TrainerState::Paused; }));
        QCOMPARE(name(trainer.state()), name(TrainerState::Paused));
        QVERIFY(trainer.isActive());
        const BatchMetrics held = pick(events, Kind::Batch, &TrainingEvent::batch).back();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        QVERIFY(trainer.events().takeAll().empty()); // nothing happens while paused

        trainer.setPaused(false);
        QVERIFY(waitFor([](const TrainingEvent& e) { return e.kind == Kind::Batch; }));
        // The batch after the one it held at, in the next epoch after the last.
        QCOMPARE(events.back().batch.batch, held.batch % held.batchesPerEpoch + 1);
        trainer.setPaused(true);
        QVERIFY(waitFor([](const TrainingEvent& e) { return e.kind == Kind::State && e.state == TrainerState::Paused; }));
        trainer.requestStop(); // a paused run stops at once
        const std::vector<TrainingEvent> rest = runToEnd(trainer);
        QVERIFY2(endsOnce(rest, TrainerState::Stopped), rest.back().message.c_str());
    }

    // Convolution-heavy networks give the layers every core, large matrix
    // products give them to OpenBLAS, small steps stay on one thread.
    void threadPlanFollowsTheWork()
    {
        const auto plan = [](const Graph& graph, int64_t batchSize, int cores) {
            return planThreads(summarizeModel(graph, LayerRegistry::builtin()), batchSize, cores);
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
        QCOMPARE(dense.intraOp, 1);
        QCOMPARE(dense.blas, 4);
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
        QCOMPARE(summary.threads, 1);
        QCOMPARE(summary.blasThreads, 2);
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

    // A run stopped within an epoch keeps that epoch's batches in its
    // checkpoint, and resumed it ends as a run never stopped.
    void stoppedWithinAnEpochResumesFromThatBatch()
    {
        QTemporaryDir dir;
        TrainingJob job = spiralJob(3);
        job.config.batchSize = 16; // 150 batches an epoch
        job.checkpointDir = dir.filePath("straight").toStdString();
        const TrainingSummary straight = run(job).back().summary;

        job.checkpointDir = dir.filePath("stopped").toStdString();
        Trainer trainer;
        trainer.start(job);
        std::vector<TrainingEvent> events;
        const auto waitFor = [&](const std::function<bool(const TrainingEvent&)>& wanted) {
            return waitForEvent(trainer, events, wanted);
        };
        QVERIFY(waitFor([](const TrainingEvent& e) { return e.kind == Kind::Batch && e.batch.epoch == 2; }));
        trainer.setPaused(true); // holds before its next batch: everything done so far is in `events`
        QVERIFY(waitFor([](const TrainingEvent& e) { return e.kind == Kind::State && e.state == TrainerState::Paused; }));
        trainer.requestStop();
        const std::vector<TrainingEvent> rest = runToEnd(trainer);
        QVERIFY2(endsOnce(rest, TrainerState::Stopped), rest.back().message.c_str());
        const BatchMetrics held = pick(events, Kind::Batch, &TrainingEvent::batch).back();
        QCOMPARE(held.epoch, 2);
        QCOMPARE(rest.back().summary.epochsCompleted, 1);
        QCOMPARE(rest.back().summary.checkpointBatches, held.batch);

        job.resume = true;
        const std::vector<TrainingEvent> resumed = run(job);
        QVERIFY2(endsOnce(resumed, TrainerState::Finished), resumed.back().message.c_str());
        const BatchMetrics first = pick(resumed, Kind::Batch, &TrainingEvent::batch).front();
        QCOMPARE(first.epoch, 2);
        QCOMPARE(first.batch, held.batch + 1);
        const TrainingSummary& after = resumed.back().summary;
        QCOMPARE(after.epochsCompleted, 3);
        QCOMPARE(after.lastEpoch->trainLoss, straight.lastEpoch->trainLoss);
        QCOMPARE(after.lastEpoch->trainAccuracy, straight.lastEpoch->trainAccuracy);
        QCOMPARE(*after.lastEpoch->validationLoss, *straight.lastEpoch->validationLoss);
        QCOMPARE(*after.lastEpoch->validationAccuracy, *straight.lastEpoch->validationAccuracy);
    }

    void stopTakesEffectWithinOneBatch()
    {
        TrainingJob job = spiralJob(1000);
        job.config.batchSize = 16;
        Trainer trainer;
        trainer.start(job);
        QVERIFY(trainer.isActive());

        // Drain everything up to the first Batch event, hold the run, stop it,
        // then count what follows.
        std::vector<TrainingEvent> before;
        const auto deadline = std::chrono::steady_clock::now() + kRunLimit;
        auto hasBatch = [&] {
            return std::any_of(before.begin(), before.end(),
                               [](const TrainingEvent& e) { return e.kind == Kind::Batch; });
        };
        while (!hasBatch() && std::chrono::steady_clock::now() < deadline) {
            for (TrainingEvent& event : trainer.events().waitAndTakeAll(kPoll))
                before.push_back(std::move(event));
        }
        QVERIFY(hasBatch());
        // Paused, the worker waits before a batch, however busy the machine:
        // everything it did so far is in `before`.
        trainer.setPaused(true);
        const auto paused = [&] {
            return !before.empty() && before.back().kind == Kind::State && before.back().state == TrainerState::Paused;
        };
        while (!paused() && std::chrono::steady_clock::now() < deadline) {
            for (TrainingEvent& event : trainer.events().waitAndTakeAll(kPoll))
                before.push_back(std::move(event));
        }
        QVERIFY(paused());
        trainer.requestStop();

        std::vector<TrainingEvent> after = runToEnd(trainer);
        QVERIFY2(endsOnce(after, TrainerState::Stopped), after.back().message.c_str());
        QVERIFY(pick(after, Kind::Batch, &TrainingEvent::batch).empty()); // no batch started after the stop
        QCOMPARE(name(trainer.state()), name(TrainerState::Stopped));
        QVERIFY(!trainer.isActive());
        QVERIFY(after.back().summary.epochsCompleted < 1000);
        QVERIFY(after.back().message.empty());
    }

    void hugeLearningRateFailsWithNaN()
    {
        // Regression with SGD at the largest rate the settings allow diverges
        // within the first epoch.
        TrainingJob job = spiralJob(5);
        job.dataset.params["generator"] = "sine";
        job.graph = mlp({1}, {16}, 1);
        job.config.loss = LossKind::MSE;
        job.config.optimizer = OptimizerKind::SGD;
        job.config.learningRate = 100.0;
        std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Failed), events.back().message.c_str());
        const QString message = QString::fromStdString(events.back().message);
        QVERIFY2(QRegularExpression(QStringLiteral("^loss became (NaN|infinite) at epoch 1, batch \\d+;"))
                     .match(message)
                     .hasMatch(),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("the learning rate (100) is likely too high")), qPrintable(message));
        QCOMPARE(name(states(events).back()), name(TrainerState::Failed));
    }

    // A NaN in the data is named as the cause, not the learning rate.
    void nanInTheDataIsNamedAsTheCause()
    {
        QTemporaryDir dir;
        std::vector<float> features(200, 0.5f);
        features[13] = std::numeric_limits<float>::quiet_NaN();
        std::vector<int64_t> labels(100);
        for (size_t i = 0; i < labels.size(); ++i)
            labels[i] = int64_t(i % 2);
        writeNpy(dir.filePath("x.npy"), "<f4", {100, 2}, features.data(), features.size() * sizeof(float));
        writeNpy(dir.filePath("y.npy"), "<i8", {100}, labels.data(), labels.size() * sizeof(int64_t));
        TrainingJob job = spiralJob(1);
        job.graph = mlp({2}, {8}, 2);
        job.dataset.source = "npy";
        job.dataset.params = {{"features", dir.filePath("x.npy").toStdString()},
                              {"labels", dir.filePath("y.npy").toStdString()}};
        job.dataset.split = {{"validation", 0.0}};
        const std::vector<TrainingEvent> events = run(job);
        QVERIFY2(endsOnce(events, TrainerState::Failed), events.back().message.c_str());
        QVERIFY2(events.back().message.find("the batch's inputs hold NaN or infinite values") != std::string::npos,
                 events.back().message.c_str());
        QCOMPARE(name(states(events).back()), name(TrainerState::Failed));
        QCOMPARE(events.back().summary.epochsCompleted, 0);
    }

    void problemsFailWithReadableMessage_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("expected");
        QTest::newRow("input shape")
            << "input"
            << "Input 'input' expects samples of shape [3], but dataset 'spiral' has [2]";
        QTest::newRow("output classes")
            << "classes" << "Output 'out' gives 5 values per sample but the dataset has 3 classes";
        QTest::newRow("mse output vs one-hot")
            << "mse" << "Output 'out' gives samples of shape [5]";
        QTest::newRow("regression target")
            << "sine" << "Output 'out' gives samples of shape [3], but dataset 'sine' has targets";
        QTest::newRow("cross entropy on regression") << "sineCe" << "cross_entropy";
        QTest::newRow("invalid graph") << "graph" << "Linear 'fc2' expects 7 input features";
        QTest::newRow("several graph problems") << "graphs" << "; ";
        QTest::newRow("unknown generator") << "data" << "dataset.params.generator: parameter 'generator' must be one of";
        QTest::newRow("batch size") << "batch" << "training: parameter 'batch_size' must be between 1 and";
        QTest::newRow("unknown device") << "device" << "unknown device 'tpu'";
        QTest::newRow("missing gpu") << "gpu" << "cuda:99";
        QTest::newRow("class weights per class") << "classWeights" << "class_weights has 2 values, but dataset";
        QTest::newRow("early stopping without validation")
            << "noValidation" << "early stopping watches validation_loss, but the data has no validation split";
        QTest::newRow("weights off the output's path")
            << "noWeights" << "Output 'out' does not depend on any layer with weights";
    }

    void problemsFailWithReadableMessage()
    {
        QFETCH(QString, problem);
        QFETCH(QString, expected);
        TrainingJob job = spiralJob(2);
        if (problem == "input")
            job.graph = mlp({3}, {8}, 3);
        if (problem == "classes" || problem == "mse")
            job.graph = mlp({2}, {8}, 5);
        if (problem == "mse")
            job.config.loss = LossKind::MSE;
        if (problem == "sine" || problem == "sineCe") {
            job.dataset.params["generator"] = "sine";
            job.graph = mlp({1}, {8}, 3);
            job.config.loss = problem == "sine" ? LossKind::MSE : LossKind::CrossEntropy;
        }
        if (problem == "graph" || problem == "graphs")
            job.graph.node(job.graph.nodeByName("fc2")->id)->params["in_features"] = 7;
        if (problem == "graphs")
            job.graph.addNode(LayerRegistry::builtin().makeNode("Input", job.graph));
        if (problem == "data")
            job.dataset.params["generator"] = "spiralz";
        if (problem == "batch")
            job.config.batchSize = 0;
        if (problem == "device")
            job.config.device = "tpu";
        if (problem == "gpu")
            job.config.device = "cuda:99";
        if (problem == "classWeights")
            job.config.classWeights = {1.0, 2.0};
        if (problem == "noValidation") {
            job.dataset.split["validation"] = 0.0;
            job.config.earlyStopping = true;
        }
        if (problem == "noWeights") {
            // Input -> Output directly; the Linear hangs off to the side.
            job.dataset.params["classes"] = 2;
            job.graph = mlp({2}, {}, 2);
            const NodeId input = job.graph.nodeByName("input")->id;
            const NodeId head = job.graph.nodeByName("head")->id;
            const NodeId out = job.graph.nodeByName("out")->id;
            job.graph.removeEdge({head, 0, out, 0});
            job.graph.addEdge({input, 0, out, 0});
        }

        std::vector<TrainingEvent> events = run(job);
        QVERIFY(endsOnce(events, TrainerState::Failed));
        const std::string& message = events.back().message;
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
        QCOMPARE(name(states(events).front()), name(TrainerState::Preparing));
        QVERIFY(pick(events, Kind::Batch, &TrainingEvent::batch).empty());
    }

    void startWhileActiveThrowsAndRestartWorks()
    {
        Trainer trainer;
        QCOMPARE(name(trainer.state()), name(TrainerState::Idle));
        trainer.start(spiralJob(1000));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, trainer.start(spiralJob(1)));
        trainer.requestStop();
        QVERIFY(endsOnce(runToEnd(trainer), TrainerState::Stopped));

        trainer.start(spiralJob(1));
        QVERIFY(endsOnce(runToEnd(trainer), TrainerState::Finished));
        QCOMPARE(name(trainer.state()), name(TrainerState::Finished));
    }
};

QTEST_GUILESS_MAIN(TestTrain)
#include "tst_train.moc"
