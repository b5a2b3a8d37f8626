#include "train/flushdenormals.h"

// Only these headers: this file is built without the precompiled
// torch/torch.h, with OpenMP, so that at::parallel_for reaches the pool.
#include <ATen/Context.h>
#include <ATen/Parallel.h>

namespace lepton {

// x86 computes with denormal floats (below 1.2e-38) some hundred times
// slower than with normal ones, and training makes them: Adam's running
// average of a weight whose gradient stays zero (one fed by pixels that are
// always blank) shrinks by a tenth every step, and is denormal some 800
// steps later. Fashion-MNIST CNN at batch 32 then spent a fifth of its
// second half in the optimizer step. Flushed to zero, as TensorFlow does by
// default, they cost nothing; the difference is below 1.2e-38. Set on this
// thread and each of the intra-op pool's, where the training step runs:
// one task per thread.
void flushDenormals()
{
    at::globalContext().setFlushDenormal(true);
    at::parallel_for(0, at::get_num_threads(), 1,
                     [](int64_t, int64_t) { at::globalContext().setFlushDenormal(true); });
}

} // namespace lepton
