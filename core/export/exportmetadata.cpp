#include "export/exportmetadata.h"

#include <filesystem>

namespace lepton {

namespace {

// One line for people on what to do to a sample before the network sees it.
std::string preprocessingSteps(const nlohmann::json& record)
{
    std::string steps;
    const nlohmann::json& encoding = record.value("encoding", nlohmann::json::object());
    if (encoding.value("scale", "") == "byte / 255")
        steps = "pixel bytes divided by 255, channels first (CHW)";
    else if (encoding.value("source", "") == "npy")
        steps = "array values as float32";
    else if (encoding.contains("columns") || encoding.contains("vocabulary"))
        steps = "table columns encoded as listed under encoding";
    const nlohmann::json& normalization = record.value("normalization", nlohmann::json::object());
    if (normalization.contains("offset"))
        steps += std::string(steps.empty() ? "" : "; then ") + "x = (x - offset) * scale, per "
                 + (normalization.value("shape", nlohmann::json::array()).size() == 3 ? "channel" : "feature");
    return steps.empty() ? "none: features go in as they are" : steps;
}

} // namespace

nlohmann::ordered_json exportMetadata(const TrainedModel& model, const nlohmann::ordered_json& files,
                                      const nlohmann::ordered_json& precision)
{
    const nlohmann::json& record = model.record;
    const bool classification = record.value("task", "") == "classification" && record.value("target", "") != "input";
    nlohmann::ordered_json metadata;
    metadata["format_version"] = 1;
    metadata["name"] = model.name;
    metadata["files"] = files;
    metadata["precision"] = precision;
    metadata["input"] = {{"shape", record.at("input").at("shape")},
                         {"dtype", record.at("input").at("dtype")},
                         {"batch_dimension", "first, any size"}};
    metadata["output"] = {{"shape", model.module->outputShape()},
                          {"meaning", classification ? "class scores (logits): softmax gives probabilities"
                                                     : "predicted values"}};
    metadata["task"] = record.value("target", "") == "input" ? "reconstruction" : record.value("task", "");
    nlohmann::json classNames = record.value("class_names", nlohmann::json::array());
    if (classNames.empty() && classification) { // unnamed classes go by their index
        for (int64_t index = 0; index < record.value("num_classes", int64_t(0)); ++index)
            classNames.push_back(std::to_string(index));
    }
    metadata["class_names"] = classNames;
    metadata["preprocessing"] = {{"steps", preprocessingSteps(record)},
                                 {"encoding", record.value("encoding", nlohmann::json::object())},
                                 {"normalization", record.value("normalization", nlohmann::json::object())}};
    metadata["checkpoint"] = {{"path", std::filesystem::absolute(model.checkpointPath).lexically_normal().string()},
                              {"epochs_done", model.epochsDone},
                              {"metrics", model.metrics}};
    metadata["project"] = {{"name", model.name},
                           {"path", std::filesystem::absolute(model.projectPath).lexically_normal().string()}};
    metadata["run"] = model.run;
    metadata["dataset"] = record.value("dataset", nlohmann::json::object());
    metadata["training"] = record.value("training", nlohmann::json::object());
    return metadata;
}

} // namespace lepton
