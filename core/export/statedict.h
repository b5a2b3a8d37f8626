#pragma once

#include "export/modelcode.h"
#include "model/graphmodule.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace lepton {

using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

// The trained tensors keyed as PyTorch's state_dict of the exported module:
// "<layer identifier>.<tensor>", "encoder.self_attn.out_proj.weight"; with
// `half`, floating-point ones as float16.
StateDict stateDict(const ModelCode& code, GraphModule& model, bool half = false);

// A file Python's torch.load reads as a dict of tensors (the format of
// torch.save(model.state_dict())). Throws ExportError naming the file.
void writeStateDict(const StateDict& tensors, const std::string& path);

} // namespace lepton
