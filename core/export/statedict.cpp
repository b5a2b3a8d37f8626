#include "export/statedict.h"

#include "export/exporterror.h"
#include "util/atomicfile.h"

namespace lepton {

StateDict stateDict(const ModelCode& code, GraphModule& model)
{
    StateDict tensors;
    for (const LayerCodeEntry& layer : code.layers) {
        const std::shared_ptr<torch::nn::Module> module = model->layerModule(layer.id);
        if (!module)
            continue;
        for (const auto& parameter : module->named_parameters())
            tensors.emplace_back(layer.identifier + "." + parameter.key(), parameter.value().detach());
        for (const auto& buffer : module->named_buffers())
            tensors.emplace_back(layer.identifier + "." + buffer.key(), buffer.value().detach());
    }
    return tensors;
}

void writeStateDict(const StateDict& tensors, const std::string& path)
{
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [name, tensor] : tensors)
        dict.insert(name, tensor.cpu().contiguous());
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    try {
        writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
    } catch (const std::exception& error) {
        throw ExportError(error.what());
    }
}

} // namespace lepton
