// The trainer's run control and faults: listeners, pause, stop and resume
// within an epoch, checkpoints that cannot be written, diverging losses and
// readable failures.
#include "train/trainer.h"

#include "common/npytestutil.h"
#include "common/traintestutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

using namespace lepton;
using namespace lepton::testing;

class TestRunControl : public QObject {
    Q_OBJECT

private Q_SLOTS:
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

    // A reader that gathers takes the events that follow the first in one
    // go, and the run's end cuts the gathering short.
    void waitingReadersGatherEventsUntilTheRunEnds()
    {
        EventQueue queue;
        const auto batch = [](int64_t number) {
            TrainingEvent event;
            event.kind = Kind::Batch;
            event.batch.batch = number;
            return event;
        };
        queue.push(batch(1));
        QCOMPARE(queue.waitAndTakeAll(std::chrono::milliseconds(200)).size(), size_t(1)); // no gathering

        queue.push(batch(2));
        std::thread trainer([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            queue.push(batch(3));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            TrainingEvent finished;
            finished.kind = Kind::Finished;
            queue.push(finished);
        });
        const auto started = std::chrono::steady_clock::now();
        const std::vector<TrainingEvent> events = queue.waitAndTakeAll(std::chrono::milliseconds(200), std::chrono::seconds(10));
        const auto waited = std::chrono::steady_clock::now() - started;
        trainer.join();
        QCOMPARE(events.size(), size_t(3));
        QCOMPARE(events[1].batch.batch, int64_t(3));
        QVERIFY(events[2].kind == Kind::Finished);
        QVERIFY(waited < std::chrono::seconds(10)); // ended by the Finished event, not the gathering's end
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
        QTest::newRow("best checkpoints without validation")
            << "bestWithoutValidation"
            << "keeping the best checkpoints watches validation_loss, but the data has no validation split";
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
        if (problem == "bestWithoutValidation") {
            job.dataset.split["validation"] = 0.0;
            job.config.keepBestCheckpoints = 3;
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

QTEST_GUILESS_MAIN(TestRunControl)
#include "tst_runcontrol.moc"
