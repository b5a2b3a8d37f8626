#include "export/torchscriptexport.h"

#include "export/exporterror.h"

namespace lepton {

namespace {

// A TorchScript module holding `source`'s own tensors and, recursively, its
// children's, under a class name unique in the compilation unit.
torch::jit::Module scriptedTensors(const torch::nn::Module& source, const std::string& className,
                                   const std::shared_ptr<torch::jit::CompilationUnit>& unit)
{
    torch::jit::Module module(c10::QualifiedName(className), unit);
    // PyTorch's train() and eval() set `training` on every submodule.
    module.register_attribute("training", c10::BoolType::get(), false);
    for (const auto& parameter : source.named_parameters(/*recurse=*/false))
        module.register_parameter(parameter.key(), parameter.value().detach(), false);
    for (const auto& buffer : source.named_buffers(/*recurse=*/false))
        module.register_buffer(buffer.key(), buffer.value().detach());
    for (const auto& child : source.named_children())
        module.register_module(child.key(), scriptedTensors(*child.value(), className + "_" + child.key(), unit));
    return module;
}

std::string indented(const std::vector<std::string>& lines)
{
    std::string text;
    for (const std::string& line : lines)
        text += "    " + line + "\n";
    return text;
}

} // namespace

torch::jit::Module scriptedModel(const ModelCode& code, GraphModule& model)
{
    auto unit = std::make_shared<torch::jit::CompilationUnit>();
    const std::string prefix = "__torch__." + code.className;
    torch::jit::Module top(c10::QualifiedName(prefix), unit);
    top.register_attribute("training", c10::BoolType::get(), false);
    for (const LayerCodeEntry& layer : code.layers) {
        const std::shared_ptr<torch::nn::Module> weights = model->layerModule(layer.id);
        if (!weights)
            continue;
        torch::jit::Module scripted = scriptedTensors(*weights, prefix + "_" + layer.identifier, unit);
        try {
            scripted.define(layer.code.scriptForward);
        } catch (const std::exception& error) {
            throw ExportError(layer.identifier + ": TorchScript rejects the layer's code: " + error.what());
        }
        top.register_module(layer.identifier, scripted);
    }
    try {
        top.define("def forward(self, " + code.inputName + ": Tensor) -> Tensor:\n" + indented(code.forward(true)));
    } catch (const std::exception& error) {
        throw ExportError(std::string("TorchScript rejects the network's forward: ") + error.what());
    }
    top.eval();
    return top;
}

} // namespace lepton
