#pragma once

#include "data/datasetspec.h"
#include "graph/graph.h"
#include "project/project.h"
#include "project/starternetwork.h"

#include <atomic>
#include <string>

namespace lepton {

// A project that trains on the data `spec` names, ready to save as
// `projectFile`: a starter network that fits the data, or `network` (a
// template) fitted to it; cross-entropy for classes, MSE for values; tables
// standardized. Data paths inside the project's folder become relative to
// it; with no projectFile yet (an untitled project) they stay absolute.
// Throws DataError when the data cannot be read (DataCancelled once `stop`
// is set), std::runtime_error naming the layers when the network cannot be
// made to fit.
struct DataProject {
    Project project;
    DataInterface data; // what the network was fitted to
};
DataProject projectFromData(DatasetSpec spec, const std::string& projectFile,
                            const Graph* network = nullptr, const std::atomic<bool>* stop = nullptr);

} // namespace lepton
