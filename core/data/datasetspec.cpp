#include "data/datasetspec.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <unistd.h>

namespace lepton {

namespace {

const nlohmann::json& field(const nlohmann::json& params, const char* name,
                            const std::vector<ParamSpec>& schema)
{
    auto it = params.find(name);
    return it != params.end() ? *it : findParam(schema, name)->defaultValue;
}

// The features become the regression target, for reconstructing the input.
void targetTheInput(Dataset& dataset)
{
    if (dataset.featureDType != DType::Float32)
        throw DataError(dataset.name + ": token ids cannot be a reconstruction target");
    if (dataset.isLazy())
        throw DataError(dataset.name + ": images decoded per batch cannot be their own target (the targets would "
                                       "hold every image in memory); set the image source's decode to in_memory");
    dataset.targets.clear();
    dataset.targets.reserve(size_t(dataset.size() * dataset.featuresPerSample()));
    for (int64_t sample = 0; sample < dataset.size(); ++sample) {
        const std::vector<float> values = dataset.sampleValues(sample);
        dataset.targets.insert(dataset.targets.end(), values.begin(), values.end());
    }
    dataset.task = TaskType::Regression;
    dataset.targetShape = dataset.featureShape;
    dataset.labels.clear();
    dataset.numClasses = 0;
    dataset.classNames.clear();
}

void applyClassNames(const std::vector<std::string>& names, Dataset& dataset)
{
    if (static_cast<int64_t>(names.size()) != dataset.numClasses)
        throw DataError(std::to_string(names.size()) + " class names given but the data has "
                        + std::to_string(dataset.numClasses) + " classes");
    dataset.classNames = names;
}

std::string unreadableReason(const std::filesystem::path& path, bool folder)
{
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status))
        return "no such " + std::string(folder ? "folder" : "file");
    if (folder != std::filesystem::is_directory(status))
        return folder ? "not a folder" : "a folder, not a file";
    if (!folder && !std::filesystem::is_regular_file(status))
        return "not a regular file";
    if (::access(path.c_str(), folder ? R_OK | X_OK : R_OK) != 0)
        return "cannot be read: " + std::string(std::strerror(errno));
    return {};
}

} // namespace

const std::vector<ParamSpec>& splitSchema()
{
    static const std::vector<ParamSpec> schema = {
        {"validation", ParamType::Float, 0.2, 0.0, 0.9, {},
         "Fraction of the training data held out to validate after each epoch"},
        {"test", ParamType::Float, 0.0, 0.0, 0.9, {},
         "Fraction held out as a test set, when the source has no test files of its own"},
        {"seed", ParamType::Int, 1, 0, kParamIntLimit, {},
         "Seed of the split, separate from training: runs with other training seeds"
         " validate on the same samples"},
        {"stratify", ParamType::Bool, true, {}, {}, {},
         "Keep each class's share the same in every part"},
    };
    return schema;
}

const std::vector<ParamSpec>& preprocessingSchema()
{
    static const std::vector<ParamSpec> schema = {
        {"normalize", ParamType::Choice, "none", {}, {}, {"none", "standardize", "minmax"},
         "Scale features with statistics of the training part only: standardize to mean 0 and"
         " standard deviation 1, or min-max to [0, 1]; images per channel"},
    };
    return schema;
}

const std::vector<ParamSpec>& augmentationSchema()
{
    static const std::vector<ParamSpec> schema = {
        {"flip", ParamType::Choice, "none", {}, {}, {"none", "horizontal", "vertical", "both"},
         "Mirror training images at random"},
        {"crop_padding", ParamType::Int, 0, 0, 64, {},
         "Pad training images by this many pixels, then crop back to size at a random place"},
        {"rotation", ParamType::Float, 0.0, 0.0, 180.0, {}, "Rotate by up to this many degrees either way"},
        {"translation", ParamType::Float, 0.0, 0.0, 0.5, {},
         "Shift by up to this fraction of the width and height either way"},
        {"noise", ParamType::Float, 0.0, 0.0, 1.0, {}, "Add Gaussian noise with this standard deviation"},
        {"erasing", ParamType::Float, 0.0, 0.0, 1.0, {}, "Chance of blanking one random rectangle"},
    };
    return schema;
}

SplitSettings splitSettings(const DatasetSpec& spec)
{
    const auto& schema = splitSchema();
    SplitSettings settings;
    settings.validation = field(spec.split, "validation", schema).get<double>();
    settings.test = field(spec.split, "test", schema).get<double>();
    settings.seed = field(spec.split, "seed", schema).get<uint64_t>();
    settings.stratify = field(spec.split, "stratify", schema).get<bool>();
    return settings;
}

Normalization normalization(const DatasetSpec& spec)
{
    const std::string kind = field(spec.preprocessing, "normalize", preprocessingSchema()).get<std::string>();
    if (kind == "standardize")
        return Normalization::Standardize;
    return kind == "minmax" ? Normalization::MinMax : Normalization::None;
}

bool AugmentationSettings::any() const
{
    return horizontalFlip || verticalFlip || cropPadding > 0 || rotation > 0.0 || translation > 0.0
        || noise > 0.0 || erasing > 0.0;
}

AugmentationSettings augmentationSettings(const DatasetSpec& spec)
{
    const auto& schema = augmentationSchema();
    const auto value = [&](const char* name) { return field(spec.augmentation, name, schema); };
    AugmentationSettings settings;
    const std::string flip = value("flip").get<std::string>();
    settings.horizontalFlip = flip == "horizontal" || flip == "both";
    settings.verticalFlip = flip == "vertical" || flip == "both";
    settings.cropPadding = value("crop_padding").get<int64_t>();
    settings.rotation = value("rotation").get<double>();
    settings.translation = value("translation").get<double>();
    settings.noise = value("noise").get<double>();
    settings.erasing = value("erasing").get<double>();
    return settings;
}

DatasetProblem datasetProblem(const DatasetSpec& spec)
{
    const DataSourceRegistry& sources = DataSourceRegistry::builtin();
    if (!sources.find(spec.source))
        return {"source", sources.problem(spec.source, spec.params)};
    const std::pair<const char*, std::pair<const std::vector<ParamSpec>*, const nlohmann::json*>> groups[] = {
        {"params", {&sources.find(spec.source)->params, &spec.params}},
        {"split", {&splitSchema(), &spec.split}},
        {"preprocessing", {&preprocessingSchema(), &spec.preprocessing}},
        {"augmentation", {&augmentationSchema(), &spec.augmentation}},
    };
    for (const auto& [path, group] : groups) {
        std::string param;
        std::string problem = paramsProblem(*group.first, *group.second, &param);
        if (!problem.empty())
            return {param.empty() ? path : std::string(path) + "." + param, problem};
    }
    const SplitSettings split = splitSettings(spec);
    if (split.validation + split.test >= 0.95)
        return {"split", "validation and test fractions together must leave some data to train on"};
    return {};
}

DatasetSpec rebaseDataPaths(DatasetSpec spec, const std::string& from, const std::string& to)
{
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(spec.source);
    if (!source)
        return spec;
    const std::filesystem::path folder = std::filesystem::path(to).lexically_normal();
    for (const auto& [param, path] : dataPaths(*source, spec.params)) {
        if (std::filesystem::path(path).is_absolute())
            continue;
        const std::filesystem::path file = std::filesystem::path(DataLoadContext{from}.resolve(path));
        const std::filesystem::path relative = file.lexically_relative(folder);
        spec.params[param] = relative.empty() ? file.string() : relative.string();
    }
    return spec;
}

std::vector<std::string> missingDataFiles(const DatasetSpec& spec, const std::string& baseDir)
{
    std::vector<std::string> missing;
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(spec.source);
    if (!source)
        return missing;
    const DataLoadContext context{baseDir};
    for (const auto& [param, path] : dataPaths(*source, spec.params)) {
        const bool folder = findParam(source->params, param)->type == ParamType::Folder;
        const std::string resolved = context.resolve(path);
        const std::string reason = unreadableReason(resolved, folder);
        if (!reason.empty())
            missing.push_back("params." + param + ": " + resolved + ": " + reason);
    }
    return missing;
}

std::string datasetSummary(const DatasetSpec& spec)
{
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(spec.source);
    if (!source)
        return "unknown data source '" + spec.source + "'";
    const nlohmann::json params = withDefaults(source->params, spec.params);
    if (spec.source == "synthetic")
        return "Synthetic " + params.at("generator").get<std::string>() + " · "
            + std::to_string(params.at("samples").get<int64_t>()) + " samples";
    std::string text = source->displayName;
    const auto paths = dataPaths(*source, params);
    for (size_t i = 0; i < paths.size(); ++i)
        text += (i == 0 ? ": " : ", ") + std::filesystem::path(paths[i].second).filename().string();
    return text;
}

DatasetSplits loadDataset(const DatasetSpec& spec, const DataLoadContext& context)
{
    const DatasetProblem problem = datasetProblem(spec);
    if (!problem.empty())
        throw DataError("dataset." + problem.path + ": " + problem.problem);
    const DataSourceSpec& source = *DataSourceRegistry::builtin().find(spec.source);
    DatasetSplits splits = source.load(withDefaults(source.params, spec.params), context);
    if (spec.target == DatasetSpec::Target::Input) {
        targetTheInput(splits.train);
        if (splits.test)
            targetTheInput(*splits.test);
    } else if (!spec.classNames.empty()) {
        applyClassNames(spec.classNames, splits.train);
        if (splits.test)
            applyClassNames(spec.classNames, *splits.test);
    }
    return splits;
}

} // namespace lepton
