#include "history/runrecorder.h"

#include "project/graphjson.h"
#include "project/project.h"

#include <algorithm>
#include <chrono>

namespace lepton {

namespace {

// Events gathered into one transaction. A transaction per event, 1,000 a
// second for a small network, took 5% of a core from the run.
constexpr std::chrono::milliseconds kGather(250);

} // namespace

RunStart runStartFor(const TrainingJob& job, const std::string& source)
{
    RunStart start;
    start.source = source;
    start.device = job.config.device;
    start.settings = trainingToJson(job.config);
    start.graph = graphToJson(job.graph);
    start.dataset = datasetToJson(job.dataset);
    start.resume = job.resume;
    start.checkpointDir = job.checkpointDir;
    return start;
}

RunRecorder::RunRecorder(std::shared_ptr<EventQueue> events)
    : m_events(std::move(events))
    , m_worker([this] { work(); })
{
}

RunRecorder::~RunRecorder()
{
    m_stopping = true;
    m_worker.join();
}

int64_t RunRecorder::begin(const std::string& directory, const RunStart& start)
{
    {
        // The last run's final events may still be on their way; a run that
        // never got going (its start threw) sends none.
        std::unique_lock lock(m_mutex);
        m_finished.wait_for(lock, std::chrono::seconds(2), [this] { return !m_history; });
    }
    auto history = std::make_shared<RunHistory>(directory);
    const std::optional<int64_t> resumed = start.resume ? history->latestRun(start.checkpointDir) : std::nullopt;
    const int64_t run = resumed ? *resumed : history->begin(start);
    std::lock_guard lock(m_mutex);
    m_history = std::move(history);
    m_run = run;
    m_running = !resumed;
    m_problem.clear();
    return run;
}

void RunRecorder::waitUntilFinished()
{
    std::unique_lock lock(m_mutex);
    m_finished.wait(lock, [this] { return !m_history; });
}

std::string RunRecorder::problem() const
{
    std::lock_guard lock(m_mutex);
    return m_problem;
}

void RunRecorder::work()
{
    while (!m_stopping) {
        const std::vector<TrainingEvent> events = m_events->waitAndTakeAll(std::chrono::milliseconds(200), kGather);
        if (!events.empty())
            write(events);
    }
}

void RunRecorder::write(const std::vector<TrainingEvent>& events)
{
    std::lock_guard lock(m_mutex);
    if (!m_history)
        return; // no run begun: a project without a folder yet
    // Up to the run's Finished event: nothing of another run comes before it.
    const auto finishedAt = std::find_if(events.begin(), events.end(), [](const TrainingEvent& event) {
        return event.kind == TrainingEvent::Kind::Finished;
    });
    const bool finished = finishedAt != events.end();
    const auto end = finished ? finishedAt + 1 : events.end();
    try {
        const bool trains = std::any_of(events.begin(), end, [](const TrainingEvent& event) {
            return event.kind == TrainingEvent::Kind::State && event.state == TrainerState::Running;
        });
        if (!m_running && trains) {
            m_history->reopen(m_run);
            m_running = true;
        }
        if (m_running)
            m_history->record(m_run, {events.begin(), end});
        if (finished && m_running)
            m_history->finish(m_run, runStatusFor(finishedAt->state), finishedAt->summary, finishedAt->message);
    } catch (const std::exception& error) {
        m_problem = error.what();
        m_history.reset();
    }
    if (finished)
        m_history.reset();
    if (!m_history)
        m_finished.notify_all();
}

} // namespace lepton
