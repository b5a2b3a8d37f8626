#pragma once

#include "graph/graph.h"
#include "graph/shapeinference.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// A node after shape inference, as builders and exporters see it. Parameters
// come resolved from the shape report: in_features is 784 there, never the 0
// that means "infer".
struct LayerContext {
    const Node& node;
    const NodeShapes& shapes;

    int64_t integer(const char* name) const { return shapes.params.at(name).get<int64_t>(); }
    double number(const char* name) const { return shapes.params.at(name).get<double>(); }
    bool flag(const char* name) const { return shapes.params.at(name).get<bool>(); }
    std::string choice(const char* name) const
    {
        return shapes.params.at(name).get<std::string>();
    }
    std::vector<int64_t> integers(const char* name) const
    {
        return shapes.params.at(name).get<std::vector<int64_t>>();
    }
    const Shape& inputShape(size_t port) const { return shapes.inputs.at(port).shape; }
};

// A sample dim counts without the batch: d >= 0 is tensor dim d + 1, and a
// negative d already counts from the end.
inline int64_t tensorDim(int64_t sampleDim)
{
    return sampleDim >= 0 ? sampleDim + 1 : sampleDim;
}

} // namespace lepton
