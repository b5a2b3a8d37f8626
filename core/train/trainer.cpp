#include "train/trainerrun.h"

#include "graph/layerregistry.h"
#include "model/graphmodule.h"
#include "model/modelerror.h"
#include "model/onednnbuild.h"
#include "model/modelsummary.h"
#include "train/runchecks.h"
#include "train/checkpoint.h"
#include "train/modelrecord.h"
#include "train/tensordata.h"
#include "train/threadplan.h"
#include "train/runenvironment.h"
#include "data/datasplit.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lepton {

namespace {

// Messages end up in one status line: join multi-line ones with "; ".
std::string oneLine(const std::string& text)
{
    std::string line;
    std::istringstream lines(text);
    for (std::string part; std::getline(lines, part);) {
        if (!part.empty())
            line += (line.empty() ? "" : "; ") + part;
    }
    return line.empty() ? "unknown error" : line;
}

void throwIfProblem(const std::string& problem)
{
    if (!problem.empty())
        throw std::runtime_error(problem);
}

// What a CUDA out-of-memory error says, with a batch size that may fit.
std::string outOfMemoryMessage(const std::string& error, int64_t batchSize)
{
    return "the GPU ran out of memory with batch size " + std::to_string(batchSize) + "; try "
        + std::to_string(std::max<int64_t>(1, batchSize / 2)) + " or less (" + error + ")";
}

// Indices as a tensor that shares their storage; `indices` must outlive it.
torch::Tensor indexTensor(const std::vector<int64_t>& indices)
{
    return torch::from_blob(const_cast<int64_t*>(indices.data()),
                            {static_cast<int64_t>(indices.size())}, torch::kInt64);
}

} // namespace

void Trainer::Run::execute()
{
    const Clock::time_point start = Clock::now();
    TrainingSummary summary;
    summary.device = m_job.config.device;
    TrainerState result = TrainerState::Failed;
    std::string error;
    try {
        result = train(summary);
    } catch (const c10::Error& e) {
        error = oneLine(e.msg());
        if (error.find("CUDA out of memory") != std::string::npos)
            error = outOfMemoryMessage(error.substr(0, error.find(';')), m_job.config.batchSize);
    } catch (const std::bad_alloc&) {
        error = "out of memory";
    } catch (const std::exception& e) {
        error = oneLine(e.what());
    } catch (...) {
        error = "unknown error";
    }
    summary.seconds = secondsSince(start);
    m_trainer.setState(result, error);

    TrainingEvent finished;
    finished.kind = TrainingEvent::Kind::Finished;
    finished.state = result;
    finished.message = error;
    finished.summary = std::move(summary);
    push(std::move(finished));
}

void Trainer::Run::waitWhilePaused()
{
    std::unique_lock lock(m_trainer.m_pauseMutex);
    if (!m_trainer.m_paused)
        return;
    m_trainer.setState(TrainerState::Paused);
    m_trainer.m_pauseChanged.wait(lock, [this] { return !m_trainer.m_paused || stopRequested(); });
    if (!stopRequested())
        m_trainer.setState(TrainerState::Running);
}

void Trainer::Run::log(const std::string& message)
{
    TrainingEvent event;
    event.kind = TrainingEvent::Kind::Log;
    event.message = message;
    push(std::move(event));
}

TrainerState Trainer::Run::train(TrainingSummary& summary)
{
    const TrainingConfig& config = m_job.config;
    throwIfProblem(configProblem(config));
    // Seeded before the model is built, so weights start the same for a seed.
    torch::manual_seed(config.seed);
    m_generator = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    std::optional<GraphModule> built;
    try {
        built.emplace(m_job.graph, LayerRegistry::builtin(), loneStop());
    } catch (const BuildCancelled&) {
        return TrainerState::Stopped;
    }
    GraphModule& model = *built;
    if (!model->outputDependsOnWeights())
        throw ModelError(describeNode(model->outputNode())
                         + " does not depend on any layer with weights; connect a Linear or"
                           " Conv2d layer on its path");

    const torch::Device device = toTorchDevice(config.device, m_job.worker);
    summary.device = device.str();
    if (m_job.worker.distributed()) {
        log("worker " + std::to_string(m_job.worker.rank) + " of " + std::to_string(m_job.worker.worldSize)
            + ": joining the others at " + m_job.worker.masterAddress + ":"
            + std::to_string(m_job.worker.masterPort));
        m_group = std::make_unique<WorkerGroup>(m_job.worker, device);
        summary.workers = m_job.worker.worldSize;
        log(std::string("the workers exchange through ") + m_group->backendName());
    }

    // Loaded once the graph and device are known to work, so their mistakes show at once.
    // The data must outlive the tensors below, which wrap its buffers.
    PreparedData data;
    try {
        data = prepareData(m_job.dataset, DataLoadContext{m_job.baseDir, loneStop()});
    } catch (const DataCancelled&) {
        return TrainerState::Stopped;
    }
    m_modelRecord = modelRecord(m_job, data);
    for (const Dataset* set : {&data.data, data.test ? &*data.test : nullptr}) {
        if (set)
            throwIfProblem(dataFitProblem(*set, config, model->inputNode(),
                                          model->inputShape(), model->outputNode(),
                                          model->outputShape()));
    }
    if (!m_job.initialWeights.empty() && !m_job.resume)
        log("weights from " + m_job.initialWeights + ": "
            + loadWeights(model, m_job.graph, readCheckpoint(m_job.initialWeights)).summary());
    model->to(device);
    if (config.channelsLast)
        model->useChannelsLast();
    at::globalContext().setBenchmarkCuDNN(config.cudnnBenchmark && device.is_cuda());
    if (config.mixedPrecision && !device.is_cuda())
        log("mixed precision applies on CUDA only: training in float32 on " + device.str());

    const TensorData all = placedFor(device, toTensors(data.data, config.loss));
    const auto part = [&](const std::vector<int64_t>& indices) -> std::optional<SampleSet> {
        if (indices.empty())
            return std::nullopt;
        return SampleSet{all, indexTensor(indices)};
    };
    std::optional<SampleSet> test = part(data.split.test);
    if (data.test)
        test = SampleSet{placedFor(device, toTensors(*data.test, config.loss)),
                         torch::arange(data.test->size(), torch::kInt64)};
    RunData sets{*part(data.split.train), part(data.split.validation), std::move(test),
                 BatchTransform(data.scaling, data.data.featureDType,
                                augmentationSettings(m_job.dataset), device)};

    throwIfProblem(monitorProblem(config, sets.validation.has_value(), all.labels.defined()));

    // Workers on one machine share its cores.
    m_cores = std::max(1, (m_job.cores > 0 ? m_job.cores : availableCores()) / m_job.worker.localWorldSize);
    const ThreadPlan plan = planThreads(summarizeModel(m_job.graph, LayerRegistry::builtin()), config.batchSize, m_cores,
                                        oneDnnLinearBuilt());
    applyThreadPlan(plan);
    summary.threads = plan.intraOp;
    summary.blasThreads = plan.blas;
    if (loneStop() && stopRequested())
        return TrainerState::Stopped;
    m_trainer.setState(TrainerState::Running);
    log("training on " + summary.device
        + (m_group ? " with " + std::to_string(m_job.worker.worldSize) + " workers" : std::string()) + " ("
        + std::to_string(plan.intraOp) + " thread(s) for layers, " + std::to_string(plan.blas)
        + " for matrix products: " + plan.reason + "): " + std::to_string(sets.train.size())
        + " samples, " + std::to_string(sets.validation ? sets.validation->size() : 0)
        + " for validation"
        + (sets.test ? ", " + std::to_string(sets.test->size()) + " for test" : ""));
    return runEpochs(model, device, sets, summary);
}

std::string lastCheckpointPath(const std::string& checkpointDir)
{
    return (std::filesystem::path(checkpointDir) / "last.ckpt").string();
}

std::string bestCheckpointPath(const std::string& checkpointDir)
{
    return (std::filesystem::path(checkpointDir) / "best.ckpt").string();
}

Trainer::Trainer()
    : m_events(std::make_shared<EventQueue>())
    , m_listeners{m_events}
{
    keepFreedMemory();
}

std::shared_ptr<EventQueue> Trainer::subscribe()
{
    auto queue = std::make_shared<EventQueue>();
    std::lock_guard lock(m_listenersMutex);
    m_listeners.push_back(queue);
    return queue;
}

void Trainer::publish(TrainingEvent event)
{
    std::lock_guard lock(m_listenersMutex); // one order for every listener
    for (size_t i = 1; i < m_listeners.size(); ++i)
        m_listeners[i]->push(event);
    m_listeners.front()->push(std::move(event));
}

Trainer::~Trainer()
{
    requestStop();
    wait();
}

void Trainer::start(TrainingJob job)
{
    if (isActive())
        throw std::logic_error("a training run is still active");
    m_run.reset(); // joins the previous run's thread, which has already ended
    m_stopRequested = false;
    setPaused(false);
    // Set here rather than on the worker, so isActive() holds from now on.
    setState(TrainerState::Preparing);
    try {
        m_run = std::make_unique<Run>(*this, std::move(job));
    } catch (const std::exception& error) {
        // No worker: nothing would ever leave Preparing, or end the run.
        const std::string message = std::string("cannot start the training thread: ") + error.what();
        setState(TrainerState::Failed, message);
        TrainingEvent finished;
        finished.kind = TrainingEvent::Kind::Finished;
        finished.state = TrainerState::Failed;
        finished.message = message;
        publish(std::move(finished));
        throw std::runtime_error(message);
    }
}

void Trainer::requestStop()
{
    {
        std::lock_guard lock(m_pauseMutex);
        m_stopRequested = true;
    }
    m_pauseChanged.notify_all();
}

void Trainer::setPaused(bool paused)
{
    {
        std::lock_guard lock(m_pauseMutex);
        m_paused = paused;
    }
    m_pauseChanged.notify_all();
}

void Trainer::wait()
{
    if (m_run)
        m_run->join();
}

bool Trainer::isActive() const
{
    return lepton::isActive(m_state.load());
}

void Trainer::setState(TrainerState state, const std::string& message)
{
    m_state = state;
    TrainingEvent event;
    event.kind = TrainingEvent::Kind::State;
    event.state = state;
    event.message = message;
    publish(std::move(event));
}

} // namespace lepton
