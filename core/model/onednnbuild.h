#pragma once

// Without torch's headers, for code that only asks (the thread plan, tests).

namespace lepton {

// Whether this build runs Linear layers on oneDNN (onednnlinear.h).
bool oneDnnLinearBuilt();

} // namespace lepton
