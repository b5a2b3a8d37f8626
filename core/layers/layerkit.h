#pragma once

// What a layer family file (core/layers/*.cpp) is made of. Each family file
// holds its layers' specs, shape rules and torch builders side by side and is
// compiled twice: into lepton_core for the specs (no LibTorch), and into
// lepton_engine with LEPTON_ENGINE defined, where the builders join in. The
// two copies live in different namespaces, so they never collide.

#include "graph/layerregistry.h"

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#ifdef LEPTON_ENGINE
#include "model/layerbuilder.h"
#define LEPTON_LAYERS_NAMESPACE engine_layers
// The builder function, which only the engine's copy compiles.
#define LEPTON_BUILDER(function) (function)
#else
#define LEPTON_LAYERS_NAMESPACE layer_specs
#define LEPTON_BUILDER(function) nullptr
#endif

namespace lepton {

// Upper bound of params that have none.
constexpr double kNoLimit = std::numeric_limits<double>::infinity();

// A spec with the single ports "in" and "out".
LayerSpec unaryLayer(const std::string& type, const std::string& displayName,
                     const std::string& category, const std::string& description);

ParamSpec intParam(const std::string& name, int64_t defaultValue, double minimum, double maximum,
                   const std::string& help);
ParamSpec floatParam(const std::string& name, double defaultValue, double minimum, double maximum,
                     const std::string& help);
ParamSpec boolParam(const std::string& name, bool defaultValue, const std::string& help);
ParamSpec choiceParam(const std::string& name, const std::string& defaultValue,
                      std::vector<std::string> choices, const std::string& help);
ParamSpec intListParam(const std::string& name, std::vector<int64_t> defaultValue, double minimum,
                       const std::string& help);

// Parameter values inside shape rules; the registry fills in defaults and
// inference validates params before any rule runs.
int64_t intValue(const Node& node, const std::string& name);
double floatValue(const Node& node, const std::string& name);
bool boolValue(const Node& node, const std::string& name);
std::string choiceValue(const Node& node, const std::string& name);
std::vector<int64_t> intListValue(const Node& node, const std::string& name);

// The "0 means infer" convention of size params (in_features, in_channels,
// input_size...): empty when `param` is 0 or equals `actual`, otherwise
// "expects 784 <what>, got 1568".
std::string inferredSizeProblem(const Node& node, const std::string& param, int64_t actual,
                                const std::string& what);

// A sample dim (negative counts from the end) as an index into a shape of
// `rank` dims; nothing when out of range.
std::optional<size_t> resolveDim(int64_t dim, size_t rank);

// Product of the factors plus `extra`, or nothing if it overflows int64.
std::optional<int64_t> weightCount(std::initializer_list<int64_t> factors, int64_t extra = 0);

// Product of the factors, saturating instead of overflowing: for estimates
// (multiply-adds) that must never fail a shape rule.
int64_t saturatingProduct(std::initializer_list<int64_t> factors);

// An estimate computed in floating point, as an int64 that never overflows.
int64_t clampedCount(double estimate);

// "expects a [channels, height, width] input, got [3]" unless `input` has
// `rank` dims; `layout` names them.
std::optional<ShapeResult> requireRank(const TensorType& input, size_t rank,
                                       const std::string& layout);

// "[channels, length]" or "[channels, height, width]", by spatial dims.
std::string spatialLayout(size_t spatialDims);

// The rule of layers whose output is their input: shape and dtype.
ShapeResult sameType(const Node& node, const std::vector<TensorType>& inputs);

} // namespace lepton

namespace lepton::LEPTON_LAYERS_NAMESPACE {

// One per family file, in palette order.
void addInputOutputLayers(LayerRegistry& registry);
void addDenseLayers(LayerRegistry& registry);
void addConvolutionLayers(LayerRegistry& registry);
void addPoolingLayers(LayerRegistry& registry);
void addNormalizationLayers(LayerRegistry& registry);
void addActivationLayers(LayerRegistry& registry);
void addRecurrentLayers(LayerRegistry& registry);
void addAttentionLayers(LayerRegistry& registry);
void addReshapeLayers(LayerRegistry& registry);
void addMergeLayers(LayerRegistry& registry);

// Every built-in layer, in palette order.
LayerRegistry makeBuiltinRegistry();

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
