#include "export/statedict.h"

#include "export/exportfile.h"

namespace lepton {

StateDict stateDict(const ModelCode& code, GraphModule& model, bool half)
{
    const auto stored = [half](const torch::Tensor& tensor) {
        return half && tensor.is_floating_point() ? tensor.detach().to(torch::kHalf) : tensor.detach();
    };
    StateDict tensors;
    for (const LayerCodeEntry& layer : code.layers) {
        const std::shared_ptr<torch::nn::Module> module = model->layerModule(layer.id);
        if (!module)
            continue;
        for (const auto& parameter : module->named_parameters())
            tensors.emplace_back(layer.identifier + "." + parameter.key(), stored(parameter.value()));
        for (const auto& buffer : module->named_buffers())
            tensors.emplace_back(layer.identifier + "." + buffer.key(), stored(buffer.value()));
    }
    return tensors;
}

void writeStateDict(const StateDict& tensors, const std::string& path)
{
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [name, tensor] : tensors)
        dict.insert(name, tensor.cpu().contiguous());
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    writeExportFile(path, std::string(bytes.begin(), bytes.end()));
}

} // namespace lepton
