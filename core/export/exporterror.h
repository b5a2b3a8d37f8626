#pragma once

#include <stdexcept>

namespace lepton {

// Something cannot be exported; the message names the layer or file and why.
class ExportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace lepton
