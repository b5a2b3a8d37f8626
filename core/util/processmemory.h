#pragma once

namespace lepton {

// This process's resident memory in bytes (0 where /proc is missing).
double residentMemoryBytes();

} // namespace lepton
