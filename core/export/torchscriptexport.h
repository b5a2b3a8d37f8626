#pragma once

#include "export/modelcode.h"
#include "model/graphmodule.h"

#include <torch/script.h>

namespace lepton {

// The network with its weights as a TorchScript module compiled from the
// layers' code forms (the GraphModule's C++ closures cannot be scripted).
// Each layer with weights becomes a submodule named after it, holding the
// engine's tensors under PyTorch's names, so the module's state_dict is the
// Python package's. Runs in PyTorch (torch.jit.load) and in any LibTorch
// program without this project's code. With `half` the weights are stored
// as float16 and read as float32 where used, so the module still runs where
// float16 arithmetic does not (CPUs). Throws ExportError when TorchScript
// rejects a layer's code, naming the layer.
torch::jit::Module scriptedModel(const ModelCode& code, GraphModule& model, bool half = false);

} // namespace lepton
