#pragma once

// How a layer is written as PyTorch code. The exported Python package and the
// TorchScript file are both generated from these forms, which each layer
// family file keeps beside its spec and builder (core/layers/).

#include "graph/layercontext.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Statements use placeholders the exporter fills in: {in0}, {in1}... the
// values at the input ports, {out0}, {out1}... the variables of the output
// ports, {self} the layer's module as a callable, and {name} the layer's
// identifier, a prefix for temporaries.
struct LayerCode {
    // Layers with weights: the module they belong to as the Python package
    // constructs it, "nn.Linear(784, 128, bias=True)". Its tensors carry the
    // engine's names (weight, running_mean...), so one state_dict fits both.
    std::string module;
    // The same module's forward in TorchScript over its own tensors
    // (self.weight), compiled by the TorchScript export without Python.
    std::string scriptForward;
    // The outputs from the inputs, in Python.
    std::vector<std::string> statements;
    // In TorchScript, when it differs: compiled without Python, it reaches
    // operators through torch.*, where Python keeps some in
    // torch.nn.functional.
    std::vector<std::string> scriptStatements;
    // The Python class the module is made from, when PyTorch has none
    // (PositionalEncoding): its source, which the package's model.py holds.
    std::string helperSource;

    const std::vector<std::string>& script() const
    {
        return scriptStatements.empty() ? statements : scriptStatements;
    }
};

using LayerCodeWriter = LayerCode (*)(const LayerContext& context);

// Python literals.
std::string pyFloat(double value); // round-trips: 1e-05, 0.5, 2.0
std::string pyBool(bool value);
std::string pyInts(const std::vector<int64_t>& values); // "[1, 2]"
// `tensor` ("self.bias"), or None for one the layer was built without.
std::string tensorOrNone(bool present, const std::string& tensor);

// "{out0} = <expression>" for a one-output layer the same in both languages.
LayerCode expressionCode(const std::string& expression);
// One operator Python calls as F.<function>(args) and TorchScript as
// torch.<function>(scriptArgs) (list-typed sizes spelled out there).
LayerCode functionalCode(const std::string& function, const std::string& args,
                         const std::string& scriptArgs);
// A layer with weights: {out0} = {self}({in0}, ...) over every input port.
LayerCode moduleCode(const LayerContext& context, std::string module, std::string scriptForward);

} // namespace lepton
