#include "train/checkpoint.h"

#include "util/atomicfile.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

namespace lepton {

namespace {

namespace fs = std::filesystem;

// Parameters and buffers alike, by their registered names ("n2.weight").
std::vector<std::pair<std::string, torch::Tensor>> namedTensors(GraphModule& model)
{
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& item : model->named_parameters())
        tensors.emplace_back(item.key(), item.value());
    for (const auto& item : model->named_buffers())
        tensors.emplace_back(item.key(), item.value());
    return tensors;
}

NodeId nodeOf(const std::string& key)
{
    const size_t dot = key.find('.');
    try {
        return key.size() > 1 && key[0] == 'n' ? NodeId(std::stoll(key.substr(1, dot - 1))) : 0;
    } catch (const std::exception&) {
        return 0;
    }
}

std::string shapeText(const torch::Tensor& tensor)
{
    std::string text = "[";
    for (int64_t d = 0; d < tensor.dim(); ++d)
        text += (d ? ", " : "") + std::to_string(tensor.size(d));
    return text + "]";
}

} // namespace

bool WeightsReport::complete() const
{
    return skipped.empty()
        && std::all_of(layers.begin(), layers.end(), [](const LayerLoad& l) { return l.result == LayerLoad::Result::Loaded; });
}

std::string WeightsReport::summary() const
{
    int64_t loaded = 0;
    std::string initialized;
    int64_t fresh = 0;
    for (const LayerLoad& layer : layers) {
        if (layer.result == LayerLoad::Result::Loaded) {
            ++loaded;
        } else {
            ++fresh;
            initialized += (initialized.empty() ? "" : "; ") + layer.name + ": " + layer.reason;
        }
    }
    std::string text = "loaded " + std::to_string(loaded) + " layer" + (loaded == 1 ? "" : "s");
    if (fresh > 0)
        text += ", " + std::to_string(fresh) + " newly initialized (" + initialized + ")";
    if (!skipped.empty())
        text += ", " + std::to_string(skipped.size()) + " tensor" + (skipped.size() == 1 ? "" : "s")
            + " skipped (" + skipped.front() + (skipped.size() > 1 ? ", ..." : "") + ")";
    return text;
}

Checkpoint makeCheckpoint(GraphModule& model, torch::optim::Optimizer& optimizer, const torch::Generator& shuffle,
                          nlohmann::json state)
{
    Checkpoint checkpoint;
    for (const auto& [key, tensor] : namedTensors(model))
        checkpoint.weights.emplace_back(key, tensor.detach().to(torch::kCPU).clone());
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string text = bytes.str();
    checkpoint.optimizer.assign(text.begin(), text.end());
    checkpoint.shuffleGenerator = shuffle.get_state();
    checkpoint.globalGenerator = at::detail::getDefaultCPUGenerator().get_state();
    checkpoint.state = std::move(state);
    return checkpoint;
}

void writeCheckpoint(const Checkpoint& checkpoint, const std::string& path)
{
    c10::Dict<std::string, torch::Tensor> weights;
    for (const auto& [key, tensor] : checkpoint.weights)
        weights.insert(key, tensor);
    c10::impl::GenericDict all(c10::StringType::get(), c10::AnyType::get());
    all.insert("format", std::string("lepton-checkpoint-1"));
    all.insert("weights", weights);
    const auto optimizerBytes = int64_t(checkpoint.optimizer.size());
    all.insert("optimizer", torch::from_blob(const_cast<char*>(checkpoint.optimizer.data()), {optimizerBytes},
                                             torch::kUInt8).clone());
    all.insert("shuffle_generator", checkpoint.shuffleGenerator);
    all.insert("global_generator", checkpoint.globalGenerator);
    all.insert("state", checkpoint.state.dump());
    const std::vector<char> bytes = torch::pickle_save(all);

    std::error_code error;
    fs::create_directories(fs::path(path).parent_path(), error);
    writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

Checkpoint readCheckpoint(const std::string& path)
{
    Checkpoint checkpoint;
    try {
        const std::string bytes = readFile(path);
        const c10::IValue value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
        const c10::impl::GenericDict all = value.toGenericDict();
        if (!all.contains("format") || all.at("format").toStringRef() != "lepton-checkpoint-1")
            throw std::runtime_error("not a checkpoint of this version");
        for (const auto& item : all.at("weights").toGenericDict())
            checkpoint.weights.emplace_back(item.key().toStringRef(), item.value().toTensor());
        const torch::Tensor optimizer = all.at("optimizer").toTensor().contiguous();
        const auto* begin = static_cast<const char*>(optimizer.data_ptr());
        checkpoint.optimizer.assign(begin, begin + optimizer.numel());
        checkpoint.shuffleGenerator = all.at("shuffle_generator").toTensor();
        checkpoint.globalGenerator = all.at("global_generator").toTensor();
        checkpoint.state = nlohmann::json::parse(all.at("state").toStringRef());
    } catch (const std::exception& error) { // c10::Error, a JSON error, a missing key
        const std::string what = error.what();
        if (what.rfind(path, 0) == 0)
            throw;
        throw std::runtime_error(path + ": not a readable checkpoint (" + what.substr(0, what.find('\n')) + ")");
    }
    return checkpoint;
}

WeightsReport loadWeights(GraphModule& model, const Graph& graph, const Checkpoint& checkpoint)
{
    std::map<std::string, const torch::Tensor*> stored;
    for (const auto& [key, tensor] : checkpoint.weights)
        stored.emplace(key, &tensor);
    std::map<NodeId, std::vector<std::pair<std::string, torch::Tensor>>> byLayer;
    for (auto& [key, tensor] : namedTensors(model))
        byLayer[nodeOf(key)].emplace_back(key, tensor);

    WeightsReport report;
    torch::NoGradGuard noGrad;
    for (auto& [id, tensors] : byLayer) {
        LayerLoad layer;
        layer.id = id;
        const Node* node = graph.node(id);
        layer.name = node ? node->name : "n" + std::to_string(id);
        for (const auto& [key, tensor] : tensors) {
            const auto found = stored.find(key);
            const std::string tensorName = key.substr(key.find('.') + 1);
            if (found == stored.end())
                layer.reason = tensorName + " is not in the file";
            else if (!found->second->sizes().equals(tensor.sizes()))
                layer.reason = tensorName + " is " + shapeText(*found->second) + " in the file, " + shapeText(tensor) + " now";
            if (!layer.reason.empty()) {
                layer.result = LayerLoad::Result::Initialized;
                break;
            }
        }
        if (layer.result == LayerLoad::Result::Loaded) {
            for (auto& [key, tensor] : tensors)
                tensor.copy_(*stored.at(key));
        }
        for (const auto& [key, tensor] : tensors)
            stored.erase(key);
        report.layers.push_back(std::move(layer));
    }
    for (const auto& [key, tensor] : stored) {
        const Node* node = graph.node(nodeOf(key));
        report.skipped.push_back(key + (node ? ": " + node->name + " has no such tensor" : ": no such layer"));
    }
    return report;
}

void restoreTrainingState(const Checkpoint& checkpoint, torch::optim::Optimizer& optimizer, torch::Generator& shuffle,
                          torch::Device device)
{
    torch::serialize::InputArchive archive;
    std::istringstream bytes(std::string(checkpoint.optimizer.begin(), checkpoint.optimizer.end()));
    archive.load_from(bytes, device);
    optimizer.load(archive);
    shuffle.set_state(checkpoint.shuffleGenerator);
    at::Generator global = at::detail::getDefaultCPUGenerator(); // a handle on the one generator
    std::lock_guard<std::mutex> lock(global.mutex());
    global.set_state(checkpoint.globalGenerator);
}


nlohmann::json resumableSettings(const TrainingConfig& config)
{
    nlohmann::json settings = trainingToJson(config);
    // How steps run and what is kept, not what they compute: a run may go on
    // elsewhere.
    for (const char* name : {"epochs", "device", "mixed_precision", "cudnn_benchmark", "channels_last",
                             "keep_last_checkpoints", "keep_best_checkpoints"})
        settings.erase(name);
    return settings;
}

std::string changedSetting(const nlohmann::json& saved, const TrainingConfig& config)
{
    const nlohmann::json now = resumableSettings(config);
    for (const auto& [name, value] : now.items()) {
        if (!saved.contains(name) || saved.at(name) != value)
            return name;
    }
    return {};
}

} // namespace lepton
