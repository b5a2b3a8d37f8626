#include "train/trainerrun.h"

#include "graph/layerregistry.h"
#include "train/batchprefetcher.h"
#include "train/checkpoint.h"
#include "train/computedevices.h"
#include "train/groupstep.h"
#include "train/loss.h"
#include "train/optimization.h"
#include "train/runchecks.h"
#include "train/tensordata.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <system_error>

namespace lepton {

namespace {

// The monitored metric of an epoch, if the epoch has it.
std::optional<double> monitored(const EpochMetrics& metrics, MonitorKind monitor)
{
    switch (monitor) {
    case MonitorKind::ValidationLoss: return metrics.validationLoss;
    case MonitorKind::ValidationAccuracy: return metrics.validationAccuracy;
    case MonitorKind::TrainLoss: return metrics.trainLoss;
    case MonitorKind::TrainAccuracy: return metrics.trainAccuracy;
    }
    return std::nullopt;
}

nlohmann::json toJson(const EpochSoFar& so)
{
    return {{"batches", so.batches}, {"loss_sum", so.lossSum}, {"correct", so.correct}, {"seen", so.seen},
            {"seconds", so.seconds}};
}

EpochSoFar epochSoFarFromJson(const nlohmann::json& json)
{
    return {json.at("batches").get<int64_t>(), json.at("loss_sum").get<double>(), json.at("correct").get<int64_t>(),
            json.at("seen").get<int64_t>(), json.at("seconds").get<double>()};
}

// A trained batch whose figures may still be on the device.
struct TrainedBatch {
    int64_t batch = 0; // 1-based
    double learningRate = 0.0;
    torch::Tensor lossSum; // 0-dim: the batch's mean loss times its samples
    torch::Tensor correct; // 0-dim int64
    int64_t samples = 0;
    // Names the likely cause should its loss not be finite. Kept only where
    // figures are read every batch: on a GPU sixteen input batches would be.
    TensorData data;
};

// Evaluation needs no gradients, so larger batches cost little memory.
int64_t evaluationBatchSize(const TrainingConfig& config)
{
    return std::max<int64_t>(config.batchSize, 256);
}

} // namespace

void Trainer::Run::resume(GraphModule& model, torch::optim::Optimizer& optimizer, RunProgress& progress,
                      size_t batchesPerEpoch, torch::Device device, TrainingSummary& summary)
{
    const TrainingConfig& config = m_job.config;
    const WorkerPlace& place = m_job.worker;
    const std::string path = lastCheckpointPath(m_job.checkpointDir);
    const Checkpoint checkpoint = readCheckpoint(path);
    const nlohmann::json& state = checkpoint.state;
    const int done = state.at("epochs_done").get<int>();
    if (state.value("stopped_early", false))
        throw std::runtime_error("the run in " + path + " was ended by early stopping after epoch "
                                 + std::to_string(done) + "; train afresh to go on");
    if (done >= config.epochs)
        throw std::runtime_error(path + " has finished all " + std::to_string(config.epochs)
                                 + " epochs; raise the epochs to train on");
    if (const std::string changed = changedSetting(state.at("settings"), config); !changed.empty())
        throw std::runtime_error("the training setting '" + changed + "' changed since " + path
                                 + " was written; set it back to resume, or train afresh");
    // The workers share out every batch: their number makes the batches.
    if (const int workers = state.value("workers", 1); workers != place.worldSize)
        throw std::runtime_error(path + " was written by a run of " + std::to_string(workers)
                                 + " worker(s); resume it with as many, not " + std::to_string(place.worldSize));
    const WeightsReport report = loadWeights(model, m_job.graph, checkpoint);
    if (!report.complete())
        throw std::runtime_error("the network changed since " + path + " was written (" + report.summary()
                                 + "); train afresh instead of resuming");
    progress.bestEpoch = state.at("best_epoch").get<int>();
    if (state.contains("start_loss") && state["start_loss"].is_number())
        progress.startLoss = state["start_loss"].get<double>();
    if (state.contains("epoch_so_far"))
        progress.resumeWithin = epochSoFarFromJson(state.at("epoch_so_far"));
    if (progress.resumeWithin.batches > static_cast<int64_t>(batchesPerEpoch))
        throw std::runtime_error(path + " stopped after batch " + std::to_string(progress.resumeWithin.batches)
                                 + " of an epoch that now has " + std::to_string(batchesPerEpoch)
                                 + "; the data changed: train afresh");
    if (config.earlyStopping && config.restoreBest && progress.bestEpoch > 0
        && (progress.bestEpoch < done || progress.resumeWithin.batches > 0)) {
        // The best weights are in best.ckpt; the model holds later ones.
        // Built before the generators are restored, whose draws it would take.
        GraphModule scratch(m_job.graph, LayerRegistry::builtin());
        loadWeights(scratch, m_job.graph, readCheckpoint(bestCheckpointPath(m_job.checkpointDir)));
        progress.best = snapshot(scratch);
    } else if (config.earlyStopping && config.restoreBest && progress.bestEpoch == done) {
        progress.best = snapshot(model);
    }
    restoreTrainingState(checkpoint, optimizer, m_generator, device);
    progress.trainedSamples = state.at("trained_samples").get<int64_t>();
    progress.trainingSeconds = state.at("training_seconds").get<double>();
    progress.schedule.restore(state.at("schedule"));
    if (state.contains("grad_scaler"))
        progress.scaler.restore(state.at("grad_scaler"));
    progress.watch.restore(state.at("watch"));
    progress.retention.restore(state.value("kept_epochs", nlohmann::json::array()));
    if (place.rank == 0)
        tidyCheckpoints(progress);
    progress.firstEpoch = done + 1;
    summary.resumedAfter = done;
    if (place.rank == 0)
        summary.checkpoint = path;
    summary.epochsCompleted = done;
    const int64_t within = progress.resumeWithin.batches;
    log("resuming after epoch " + std::to_string(done) + " of " + std::to_string(config.epochs)
        + (within > 0 ? " and batch " + std::to_string(within) + " of the next" : "") + " from " + path);
}

void Trainer::Run::tidyCheckpoints(RunProgress& progress)
{
    // A kill between writing an epoch's checkpoint and linking best.ckpt to
    // it, or before dropped epochs went, left these behind.
    progress.retention.removeUnlisted();
    const std::string bestEpochFile = progress.retention.epochPath(progress.bestEpoch);
    const std::string best = bestCheckpointPath(m_job.checkpointDir);
    std::error_code error;
    if (progress.bestEpoch > 0 && std::filesystem::exists(bestEpochFile, error)
        && !std::filesystem::equivalent(bestEpochFile, best, error)) {
        try {
            replaceWithLink(bestEpochFile, best);
        } catch (const std::exception& failure) {
            log(std::string("best.ckpt may hold an earlier epoch than its best: ") + failure.what());
        }
    }
}

TrainerState Trainer::Run::runEpochs(GraphModule& model, torch::Device device,
                                     const RunData& sets, TrainingSummary& summary)
{
    const TrainingConfig& config = m_job.config;
    const SampleSet& train = sets.train;
    const bool classification = train.data.labels.defined();
    const double noAccuracy = std::numeric_limits<double>::quiet_NaN();
    const WorkerPlace& place = m_job.worker;
    if (train.size() < 2 * place.worldSize)
        throw std::runtime_error("the training set has " + std::to_string(train.size()) + " samples; "
                                 + std::to_string(place.worldSize) + " workers need at least two each");
    const auto ranges = batchRanges(train.size(), config.batchSize, place.worldSize);
    std::vector<std::pair<int64_t, int64_t>> shares; // this worker's part of each batch
    for (const auto& range : ranges)
        shares.push_back(workerShare(range, place));
    std::unique_ptr<torch::optim::Optimizer> optimizer = makeOptimizer(model, config);
    const LossFunction loss(config, device);
    const bool mixedPrecision = config.mixedPrecision && device.is_cuda();
    // On the CPU reading a figure costs nothing; a GPU would wait for it.
    const size_t figuresReadEvery = device.is_cuda() && !m_group ? 16 : 1;

    const Clock::time_point start = Clock::now();
    RunProgress progress(config, static_cast<int64_t>(ranges.size()), mixedPrecision, m_job.checkpointDir);
    if (m_job.resume)
        resume(model, *optimizer, progress, ranges.size(), device, summary);
    else if (!m_job.checkpointDir.empty() && place.rank == 0)
        removeCheckpoints(m_job.checkpointDir);
    if (m_group) // the same start everywhere, whatever weights each worker read
        m_group->broadcast(parametersAndBuffers(model));
    bool writeCheckpoints = !m_job.checkpointDir.empty() && place.rank == 0;
    // A group stops together at a batch's exchange, never in the middle of an evaluation.
    static const std::atomic<bool> neverStop{false};
    const std::atomic<bool>& evaluationStop = m_group ? neverStop : m_trainer.m_stopRequested;
    torch::Tensor epochGenerator; // the shuffle generator as the current epoch began
    nlohmann::json epochMetrics;  // of the last epoch done, for the checkpoints
    // Writes last.ckpt (and best.ckpt when `improved`) for the state after
    // `epochsDone` epochs and, for a run stopping within the next, its part.
    // At an epoch's end, progress.retention has recorded it: where it keeps
    // epoch files, the checkpoint is written as one and last.ckpt links to it.
    const auto saveCheckpoint = [&](int epochsDone, bool stoppedEarly, bool improved, const EpochSoFar& within) {
        if (!writeCheckpoints)
            return;
        nlohmann::json state = {{"epochs_done", epochsDone},
                                {"settings", resumableSettings(config)},
                                {"trained_samples", progress.trainedSamples},
                                {"training_seconds", progress.trainingSeconds},
                                {"schedule", progress.schedule.state()},
                                {"watch", progress.watch.state()},
                                {"best_epoch", progress.bestEpoch},
                                {"start_loss", std::isnan(progress.startLoss) ? nlohmann::json() : nlohmann::json(progress.startLoss)},
                                {"stopped_early", stoppedEarly},
                                {"grad_scaler", progress.scaler.state()},
                                {"workers", place.worldSize},
                                {"model", m_modelRecord},
                                {"metrics", epochMetrics},
                                {"kept_epochs", progress.retention.state()}};
        try {
            // Within an epoch, the generator as the epoch began: it is shuffled and
            // its batches augmented again when resumed (and the prefetcher may still
            // be drawing from m_generator).
            torch::Generator epochStart = at::make_generator<at::CPUGeneratorImpl>();
            if (within.batches > 0)
                epochStart.set_state(epochGenerator);
            Checkpoint checkpoint =
                makeCheckpoint(model, *optimizer, within.batches > 0 ? epochStart : m_generator, std::move(state));
            if (within.batches > 0)
                checkpoint.state["epoch_so_far"] = toJson(within);
            const std::string last = lastCheckpointPath(m_job.checkpointDir);
            if (within.batches == 0 && progress.retention.keepsEpochFiles()) {
                const std::string epochFile = progress.retention.epochPath(epochsDone);
                writeCheckpoint(checkpoint, epochFile);
                replaceWithLink(epochFile, last);
            } else {
                writeCheckpoint(checkpoint, last);
            }
            summary.checkpoint = last;
            summary.checkpointBatches = within.batches;
            if (improved)
                replaceWithLink(last, bestCheckpointPath(m_job.checkpointDir));
            if (within.batches == 0)
                progress.retention.removeDropped();
        } catch (const std::exception& error) {
            // A read-only folder or a full disk costs the checkpoints, not the run.
            writeCheckpoints = false;
            summary.checkpoint.clear();
            log(std::string("no more checkpoints in this run: ") + error.what());
        }
    };
    for (int epoch = progress.firstEpoch; epoch <= config.epochs; ++epoch) {
        model->train();
        epochGenerator = m_generator.get_state();
        const torch::Tensor order =
            train.indices.index_select(0, torch::randperm(train.size(), m_generator, torch::kInt64));
        if (m_group) // every worker takes its share of the same batches
            m_group->broadcast({order});
        BatchPrefetcher batches(train.data, order, shares, sets.transform, device, &m_generator,
                                worthPreparingAhead(train.data, device, m_cores));
        EpochSoFar earlier; // of this epoch, before the run stopped and was resumed
        if (epoch == progress.firstEpoch && progress.resumeWithin.batches > 0) {
            earlier = progress.resumeWithin;
            for (int64_t b = 0; b < earlier.batches; ++b)
                batches.next(); // prepared again for the same augmentation draws, not trained on
        }
        const double skippedWait = batches.waitSeconds();
        const Clock::time_point epochStart = Clock::now();
        double lossSum = earlier.lossSum;
        int64_t correct = earlier.correct;
        int64_t seen = earlier.seen;
        double learningRate = progress.schedule.rate(epoch, std::max<int64_t>(earlier.batches - 1, 0));
        // Trained batches whose figures are still on the device: reading one
        // waits for the device, so on CUDA they are read a few at a time.
        std::vector<TrainedBatch> unread;
        TensorData latest; // the last batch trained, for a cause where unread ones keep no data
        const auto readFigures = [&] {
            if (unread.empty())
                return;
            // The whole GPU's memory in use (all processes), read as often as the figures.
            const double gpuMemory = device.is_cuda() ? gpuMemoryInUseBytes(device.index()) : 0.0;
            std::vector<torch::Tensor> losses, corrects;
            for (const TrainedBatch& trained : unread) {
                losses.push_back(trained.lossSum);
                corrects.push_back(trained.correct);
            }
            const torch::Tensor lossSums = torch::stack(losses).to(torch::kCPU, torch::kFloat64);
            const torch::Tensor correctCounts = torch::stack(corrects).to(torch::kCPU, torch::kInt64);
            for (size_t i = 0; i < unread.size(); ++i) {
                const TrainedBatch& trained = unread[i];
                const double batchLossSum = lossSums[static_cast<int64_t>(i)].item<double>();
                const int64_t batchCorrect = correctCounts[static_cast<int64_t>(i)].item<int64_t>();
                const double lossValue = batchLossSum / static_cast<double>(trained.samples);
                if (!std::isfinite(lossValue)) {
                    const TensorData& evidence = trained.data.features.defined() ? trained.data : latest;
                    throw std::runtime_error(std::string("loss became ") + (std::isnan(lossValue) ? "NaN" : "infinite")
                                             + " at epoch " + std::to_string(epoch) + ", batch "
                                             + std::to_string(trained.batch) + "; "
                                             + divergenceCause(evidence.features, evidence.targets,
                                                               trained.learningRate));
                }
                if (std::isnan(progress.startLoss))
                    progress.startLoss = lossValue;
                lossSum += batchLossSum;
                correct += batchCorrect;
                seen += trained.samples;

                TrainingEvent event;
                event.kind = TrainingEvent::Kind::Batch;
                event.batch.epoch = epoch;
                event.batch.batch = trained.batch;
                event.batch.batchesPerEpoch = static_cast<int64_t>(ranges.size());
                event.batch.epochs = config.epochs;
                event.batch.loss = lossValue;
                event.batch.accuracy = classification
                    ? static_cast<double>(batchCorrect) / static_cast<double>(trained.samples)
                    : noAccuracy;
                event.batch.learningRate = trained.learningRate;
                event.batch.samplesPerSecond = rate(seen - earlier.seen, secondsSince(epochStart));
                event.batch.elapsedSeconds = secondsSince(start);
                event.batch.gpuMemoryBytes = gpuMemory;
                push(std::move(event));
            }
            unread.clear();
        };
        const auto stopped = [&](size_t batchesDone) {
            readFigures();
            const double seconds = earlier.seconds + secondsSince(epochStart);
            summary.samplesPerSecond = rate(progress.trainedSamples + seen, progress.trainingSeconds + seconds);
            if (batchesDone > 0)
                saveCheckpoint(epoch - 1, false, false,
                               {static_cast<int64_t>(batchesDone), lossSum, correct, seen, seconds});
            return TrainerState::Stopped;
        };
        for (size_t b = static_cast<size_t>(earlier.batches); b < ranges.size(); ++b) {
            waitWhilePaused();
            // A group's workers learn of a stop in the batch's exchange and all end there.
            const bool stopHere = stopRequested();
            if (stopHere && !m_group)
                return stopped(b);
            learningRate = progress.schedule.rate(epoch, static_cast<int64_t>(b));
            setLearningRate(*optimizer, learningRate);
            TensorData batch = batches.next();
            releaseGradients(*optimizer);
            torch::Tensor output, batchLoss;
            {
                const AutocastScope autocast(mixedPrecision);
                output = model->forward(batch.features);
                batchLoss = loss(output, batch.targets);
            }
            progress.scaler.scale(batchLoss).backward();

            const int64_t size = shares[b].second - shares[b].first;
            bool groupStops = false;
            TrainedBatch trained{static_cast<int64_t>(b + 1), learningRate,
                                 batchLoss.detach().to(torch::kFloat64) * static_cast<double>(size),
                                 classification ? countCorrect(output, batch.labels) : torch::zeros({}, torch::kInt64),
                                 size, figuresReadEvery == 1 ? std::move(batch) : TensorData{}};
            if (figuresReadEvery > 1)
                latest = std::move(batch);
            if (m_group) { // the exchange needs the figures now
                const BatchTotals totals = combineOverWorkers(
                    *m_group, model,
                    {trained.lossSum.item<double>(), trained.correct.item<int64_t>(), size, stopHere},
                    ranges[b].second - ranges[b].first);
                trained.lossSum = torch::scalar_tensor(totals.lossSum, torch::kFloat64);
                trained.correct = torch::scalar_tensor(totals.correct, torch::kInt64);
                trained.samples = totals.samples;
                groupStops = totals.stop;
            }
            if (progress.scaler.unscale(model->parameters())) {
                clipGradients(model, config);
                optimizer->step();
            }
            unread.push_back(std::move(trained));
            // A group stops after the batch whose exchange carried the stop:
            // its forward pass already moved the batch-norm statistics.
            if (groupStops)
                return stopped(b + 1);
            if (unread.size() >= figuresReadEvery)
                readFigures();
        }
        readFigures();
        const double epochSeconds = earlier.seconds + secondsSince(epochStart);
        progress.trainingSeconds += epochSeconds;
        progress.trainedSamples += seen;

        TrainingEvent event;
        event.kind = TrainingEvent::Kind::Epoch;
        EpochMetrics& metrics = event.epoch;
        metrics.epoch = epoch;
        metrics.epochs = config.epochs;
        metrics.trainLoss = lossSum / static_cast<double>(seen);
        metrics.trainAccuracy =
            classification ? static_cast<double>(correct) / static_cast<double>(seen) : noAccuracy;
        // Saved checkpoints keep the weights from before the loss took off.
        if (const std::string diverged = divergenceProblem(metrics.trainLoss, progress.startLoss, epoch, config.learningRate);
            !diverged.empty())
            throw std::runtime_error(diverged);
        summary.samplesPerSecond = rate(progress.trainedSamples, progress.trainingSeconds);
        if (m_group) // batch norm statistics differ by share; evaluate with rank 0's
            m_group->broadcast(model->buffers());
        if (sets.validation) {
            const std::optional<Score> score = evaluate(model, *sets.validation, sets.transform,
                                                        device, loss,
                                                        evaluationBatchSize(config),
                                                        evaluationStop, m_cores);
            if (!score) { // kept as an epoch with every batch trained and its validation to do
                progress.trainedSamples -= seen;
                progress.trainingSeconds -= epochSeconds;
                return stopped(ranges.size());
            }
            metrics.validationLoss = score->loss;
            metrics.validationAccuracy = score->accuracy;
            if (m_group) // the decisions below, from the same figures on every worker
                shareRankZeroScore(*m_group, metrics);
        }
        metrics.learningRate = learningRate;
        metrics.samplesPerSecond = rate(seen, epochSeconds);
        const double trainedNow = epochSeconds - earlier.seconds;
        metrics.dataWaitShare = trainedNow > 0.0 ? (batches.waitSeconds() - skippedWait) / trainedNow : 0.0;
        metrics.elapsedSeconds = secondsSince(start);
        summary.epochsCompleted = epoch;
        summary.lastEpoch = metrics;
        const std::optional<double> metric = monitored(metrics, config.monitor);
        epochMetrics = {{"epoch", epoch}, {"train_loss", metrics.trainLoss}, {"train_accuracy", metrics.trainAccuracy}};
        if (metrics.validationLoss) {
            epochMetrics["validation_loss"] = *metrics.validationLoss;
            epochMetrics["validation_accuracy"] = *metrics.validationAccuracy;
        }

        progress.schedule.epochEnded(metric);
        const bool improved = metric && progress.watch.update(*metric);
        if (improved) {
            progress.bestEpoch = epoch;
            if (config.earlyStopping && config.restoreBest)
                progress.best = snapshot(model);
        }
        const bool stopEarly =
            config.earlyStopping && metric && !improved && progress.watch.epochsWithoutImprovement() >= config.patience;
        // Saved before the epoch is reported: an epoch reported done is kept.
        progress.retention.record(epoch, metric);
        saveCheckpoint(epoch, stopEarly, improved, {});
        push(std::move(event));
        if (stopEarly) {
            summary.stoppedEarly = true;
            log("early stopping after epoch " + std::to_string(epoch) + ": " + toString(config.monitor)
                + " has not improved for " + std::to_string(config.patience) + " epochs");
            break;
        }
    }
    if (config.earlyStopping && config.restoreBest && !progress.best.empty()
        && progress.bestEpoch != summary.epochsCompleted) {
        restore(model, progress.best);
        summary.bestEpoch = progress.bestEpoch;
        if (!summary.checkpoint.empty())
            summary.checkpoint = bestCheckpointPath(m_job.checkpointDir); // holds the weights kept
        log("restored the weights of epoch " + std::to_string(progress.bestEpoch) + ", the best "
            + toString(config.monitor) + " (" + std::to_string(*progress.watch.best()) + ")");
    }

    if (sets.test) {
        const std::optional<Score> score = evaluate(model, *sets.test, sets.transform, device,
                                                    loss, evaluationBatchSize(config), evaluationStop, m_cores);
        if (!score)
            return TrainerState::Stopped;
        summary.testLoss = score->loss;
        if (classification)
            summary.testAccuracy = score->accuracy;
    }
    return TrainerState::Finished;
}

} // namespace lepton
