#pragma once

#include "data/dataset.h"
#include "graph/graph.h"
#include "graph/shapeinference.h"

#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// What a network must take in and give out to train on a dataset.
struct DataInterface {
    TensorType input;          // one sample
    TaskType task = TaskType::Classification;
    int64_t outputs = 0;       // classes, or target values per sample
    int64_t vocabulary = 0;    // token ids are below this (int64 inputs only)
};

DataInterface dataInterface(const Dataset& data);

// A small network that fits the data: an MLP for feature vectors, a
// two-stage CNN with batch norm for images, an embedding and an LSTM for
// token sequences. Laid out left to right.
Graph starterNetwork(const DataInterface& data, const LayerRegistry& registry);

// Makes `graph` (e.g. a template) take the data's samples and give its
// outputs: sets the Input layer's shape and dtype, the first Embedding's
// vocabulary, and the output size of the last Linear before the Output.
// Returns what could not be fitted, each naming its layer; empty on success.
std::vector<std::string> fitNetworkToData(Graph& graph, const DataInterface& data,
                                          const LayerRegistry& registry);

// Where the graph and the data disagree, before any training: an Input
// whose samples are not the data's, an Output whose size is not the
// classes or target values. Each problem marks its node Invalid in
// `report` (with the message as its error), joins report.errors, and is
// returned: "Input 'image' takes [784] but the data gives [1, 28, 28]".
std::vector<std::string> markDataMismatches(ShapeReport& report, const Graph& graph,
                                            const DataInterface& data);

} // namespace lepton
