// Shape inference: graphs of every layer type, wired at random, with
// parameter values anywhere in their declared ranges (the extremes
// included), through inferShapes and summarizeModel. Problems must come back
// as sentences; a crash, a sanitizer report, a hang or a layer that says its
// output has a dimension below 1 is a finding.
#include "graph/layerregistry.h"
#include "graph/shapeinference.h"
#include "model/modelsummary.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace {

using lepton::ParamSpec;
using lepton::ParamType;

// Ranges run to the file format's limit; small values and the ends are
// where the rules have their cases, so both are likely.
int64_t fuzzedInt(FuzzedDataProvider& fuzz, double minimum, double maximum)
{
    const auto low = static_cast<int64_t>(std::isfinite(minimum) ? minimum : 0);
    const auto high = static_cast<int64_t>(std::isfinite(maximum) ? maximum : 2147483647.0);
    switch (fuzz.ConsumeIntegralInRange(0, 3)) {
    case 0: return low;
    case 1: return high;
    case 2: return std::min(high, low + fuzz.ConsumeIntegralInRange<int64_t>(0, 64));
    default: return fuzz.ConsumeIntegralInRange<int64_t>(low, high);
    }
}

nlohmann::json fuzzedValue(FuzzedDataProvider& fuzz, const ParamSpec& spec)
{
    switch (spec.type) {
    case ParamType::Int: return fuzzedInt(fuzz, spec.minimum, spec.maximum);
    case ParamType::Float: {
        const double low = std::isfinite(spec.minimum) ? spec.minimum : -1e6;
        const double high = std::isfinite(spec.maximum) ? spec.maximum : 1e6;
        return fuzz.ConsumeBool() ? (fuzz.ConsumeBool() ? low : high) : fuzz.ConsumeFloatingPointInRange(low, high);
    }
    case ParamType::Bool: return fuzz.ConsumeBool();
    case ParamType::Choice: return spec.choices.at(fuzz.ConsumeIntegralInRange<size_t>(0, spec.choices.size() - 1));
    case ParamType::IntList: {
        nlohmann::json list = nlohmann::json::array();
        for (int i = fuzz.ConsumeIntegralInRange(0, 4); i > 0; --i)
            list.push_back(fuzzedInt(fuzz, spec.minimum, spec.maximum));
        return list;
    }
    default: return spec.defaultValue;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const lepton::LayerRegistry& registry = lepton::LayerRegistry::builtin();
    const std::vector<lepton::LayerSpec>& specs = registry.specs();
    FuzzedDataProvider fuzz(data, size);
    lepton::Graph graph;
    std::vector<lepton::NodeId> placed;
    const int layers = fuzz.ConsumeIntegralInRange(1, 10);
    for (int i = 0; i < layers && fuzz.remaining_bytes() > 0; ++i) {
        const lepton::LayerSpec& spec = specs.at(fuzz.ConsumeIntegralInRange<size_t>(0, specs.size() - 1));
        lepton::Node node = registry.makeNode(spec.type, graph);
        for (const ParamSpec& param : spec.params) {
            if (fuzz.ConsumeBool())
                node.params[param.name] = fuzzedValue(fuzz, param);
        }
        const lepton::NodeId id = graph.addNode(node);
        // Each input port takes some earlier node's output, or stays open.
        const int inputs = registry.inputCount(*graph.node(id));
        for (int port = 0; port < inputs && !placed.empty(); ++port) {
            const lepton::NodeId from = placed.at(fuzz.ConsumeIntegralInRange<size_t>(0, placed.size() - 1));
            const int outputs = registry.outputCount(*graph.node(from));
            if (outputs > 0 && fuzz.ConsumeProbability<float>() < 0.9f)
                graph.addEdge({from, fuzz.ConsumeIntegralInRange(0, outputs - 1), id, port});
        }
        placed.push_back(id);
    }

    const lepton::ShapeReport shapes = lepton::inferShapes(graph, registry);
    for (const auto& [id, node] : shapes.nodes) {
        for (const lepton::TensorType& output : node.outputs) {
            for (int64_t dim : output.shape) {
                if (dim < 1) {
                    std::fprintf(stderr, "%s gives a dimension of %lld\n", lepton::describeNode(*graph.node(id)).c_str(),
                                 static_cast<long long>(dim));
                    std::abort();
                }
            }
        }
    }
    if (lepton::modelProblems(graph, shapes).empty())
        (void)lepton::summarizeModel(graph, shapes);
    return 0;
}
