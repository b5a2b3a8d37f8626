#pragma once

namespace lepton {

// Has this thread and every thread of LibTorch's intra-op pool flush
// denormal floats to zero. Call after setting the pool's size.
void flushDenormals();

} // namespace lepton
