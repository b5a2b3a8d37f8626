#pragma once

#include <stdexcept>

namespace lepton {

// A graph that cannot become a model (shape errors, no Input/Output, ...);
// the message lists every problem, one per line, each naming its layer.
class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace lepton
