#pragma once

#include "export/modelcode.h"
#include "model/graphmodule.h"

#include <string>

namespace lepton {

// The network with its weights as an ONNX model (opset 13), written
// through the ONNX library's own protobuf from each layer's ONNX form: the
// batch dimension dynamic ("batch"), values and initializers named after
// the graph's layers ("fc1", "lstm/final", "fc1.weight"), checked by the
// ONNX checker before it is written. With `half` every float initializer is
// stored as float16 and cast to float32 where the graph reads it. Throws
// ExportError naming the layer ONNX cannot express, or the file.
void writeOnnxModel(const ModelCode& code, const Graph& graph, const ShapeReport& shapes, GraphModule& model,
                    const std::string& path, bool half = false);

} // namespace lepton
