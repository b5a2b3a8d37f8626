#pragma once

// Internal to core/graph: the pieces the built-in layer specs are made of.
// Everyone else reaches the layers through LayerRegistry::builtin().

#include "graph/layerregistry.h"

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace lepton {

LayerRegistry makeBuiltinRegistry();

// Upper bound of params that have none.
constexpr double kNoLimit = std::numeric_limits<double>::infinity();

// Spec factories, one per layer (or family of look-alike layers).
LayerSpec inputSpec();
LayerSpec outputSpec();
LayerSpec linearSpec();
LayerSpec dropoutSpec();
LayerSpec flattenSpec();
LayerSpec activationSpec(const std::string& type, const std::string& displayName,
                         const std::string& description);
LayerSpec softmaxSpec();
LayerSpec conv2dSpec();
LayerSpec poolSpec(const std::string& type, const std::string& displayName,
                   const std::string& description);
LayerSpec batchNorm1dSpec();
LayerSpec batchNorm2dSpec();
LayerSpec addSpec();
LayerSpec concatSpec();

// A spec with the single ports "in" and "out".
LayerSpec unaryLayer(const std::string& type, const std::string& displayName,
                     const std::string& category, const std::string& description);

ParamSpec intParam(const std::string& name, int64_t defaultValue, double minimum, double maximum,
                   const std::string& help);
ParamSpec floatParam(const std::string& name, double defaultValue, double minimum, double maximum,
                     const std::string& help);
ParamSpec boolParam(const std::string& name, bool defaultValue, const std::string& help);
ParamSpec intListParam(const std::string& name, std::vector<int64_t> defaultValue, double minimum,
                       const std::string& help);

// Parameter values inside shape rules; the registry fills in defaults and
// inference validates params before any rule runs.
int64_t intValue(const Node& node, const std::string& name);

// A sample dim (negative counts from the end) as an index into a shape of
// `rank` dims; nothing when out of range.
std::optional<size_t> resolveDim(int64_t dim, size_t rank);

// Product of the factors plus `extra`, or nothing if it overflows int64.
std::optional<int64_t> weightCount(std::initializer_list<int64_t> factors, int64_t extra);

// The rule of layers whose output has their input's shape.
ShapeResult sameShape(const Node& node, const std::vector<Shape>& inputs);

} // namespace lepton
