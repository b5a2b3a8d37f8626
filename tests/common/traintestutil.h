#pragma once

// Runs of the real trainer for the tests: small networks, the spiral job,
// and the events a run publishes.

#include "graph/layerregistry.h"
#include "train/trainer.h"

#include <QString>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace lepton::testing {

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
inline Graph chain(const std::vector<Layer>& layers)
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
inline Graph mlp(const Shape& inputShape, const std::vector<int64_t>& hidden, int64_t outputs)
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
inline TrainingJob spiralJob(int epochs)
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
inline std::vector<TrainingEvent> runToEnd(Trainer& trainer)
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
inline bool waitForEvent(Trainer& trainer, std::vector<TrainingEvent>& events,
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

inline std::vector<TrainingEvent> run(TrainingJob job)
{
    Trainer trainer;
    trainer.start(std::move(job));
    return runToEnd(trainer);
}

template <typename T>
inline std::vector<T> pick(const std::vector<TrainingEvent>& events, Kind kind, T TrainingEvent::*field)
{
    std::vector<T> picked;
    for (const TrainingEvent& event : events) {
        if (event.kind == kind)
            picked.push_back(event.*field);
    }
    return picked;
}

// Readable in QCOMPARE failures.
inline QString name(TrainerState state)
{
    return QString::fromStdString(toString(state));
}

inline std::vector<TrainerState> states(const std::vector<TrainingEvent>& events)
{
    return pick(events, Kind::State, &TrainingEvent::state);
}

// A run ends with exactly one Finished event whose state the last State event announced.
inline bool endsOnce(const std::vector<TrainingEvent>& events, TrainerState expected)
{
    const auto finished = std::count_if(events.begin(), events.end(), [](const TrainingEvent& e) {
        return e.kind == Kind::Finished;
    });
    const std::vector<TrainerState> seen = states(events);
    return finished == 1 && events.back().kind == Kind::Finished
        && events.back().state == expected && !seen.empty() && seen.back() == expected;
}

} // namespace lepton::testing
