#include "export/torchscriptexport.h"

#include "export/exporterror.h"

#include <algorithm>
#include <regex>

namespace lepton {

namespace {

// A TorchScript module holding `source`'s own tensors and, recursively, its
// children's, under a class name unique in the compilation unit.
torch::jit::Module scriptedTensors(const torch::nn::Module& source, const std::string& className,
                                   const std::shared_ptr<torch::jit::CompilationUnit>& unit, bool half)
{
    const auto stored = [half](const torch::Tensor& tensor) {
        return half && tensor.is_floating_point() ? tensor.detach().to(torch::kHalf) : tensor.detach();
    };
    torch::jit::Module module(c10::QualifiedName(className), unit);
    // PyTorch's train() and eval() set `training` on every submodule.
    module.register_attribute("training", c10::BoolType::get(), false);
    for (const auto& parameter : source.named_parameters(/*recurse=*/false))
        module.register_parameter(parameter.key(), stored(parameter.value()), false);
    for (const auto& buffer : source.named_buffers(/*recurse=*/false))
        module.register_buffer(buffer.key(), stored(buffer.value()));
    for (const auto& child : source.named_children())
        module.register_module(child.key(), scriptedTensors(*child.value(), className + "_" + child.key(), unit, half));
    return module;
}

// The layer's forward reading each float16 tensor as float32:
// "self.weight" becomes "self.weight.float()".
std::string readingAsFloat(std::string script, const torch::nn::Module& weights)
{
    std::vector<std::string> paths;
    for (const auto& parameter : weights.named_parameters())
        paths.push_back(parameter.key());
    for (const auto& buffer : weights.named_buffers()) {
        if (buffer.value().is_floating_point())
            paths.push_back(buffer.key());
    }
    for (const std::string& path : paths) {
        const std::string escaped = std::regex_replace(path, std::regex(R"(\.)"), R"(\.)");
        script = std::regex_replace(script, std::regex("self\\." + escaped + "(?![A-Za-z0-9_])"),
                                    "self." + path + ".float()");
    }
    return script;
}

std::string indented(const std::vector<std::string>& lines)
{
    std::string text;
    for (const std::string& line : lines)
        text += "    " + line + "\n";
    return text;
}

} // namespace

torch::jit::Module scriptedModel(const ModelCode& code, GraphModule& model, bool half)
{
    auto unit = std::make_shared<torch::jit::CompilationUnit>();
    const std::string prefix = "__torch__." + code.className;
    torch::jit::Module top(c10::QualifiedName(prefix), unit);
    top.register_attribute("training", c10::BoolType::get(), false);
    for (const LayerCodeEntry& layer : code.layers) {
        const std::shared_ptr<torch::nn::Module> weights = model->layerModule(layer.id);
        if (!weights)
            continue;
        torch::jit::Module scripted = scriptedTensors(*weights, prefix + "_" + layer.identifier, unit, half);
        try {
            scripted.define(half ? readingAsFloat(layer.code.scriptForward, *weights) : layer.code.scriptForward);
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
