#pragma once

#include <string>
#include <vector>

namespace lepton {

// A script every exported Python package holds as it is: pipeline.py (the
// data pipeline and model loading, from metadata.json), predict.py and
// train.py. Their sources are resources/export/*.py.
struct PackageScript {
    const char* name;
    const char* source;
};

const std::vector<PackageScript>& packageScripts();

} // namespace lepton
