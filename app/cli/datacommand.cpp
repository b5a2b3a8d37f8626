#include "commands.h"

#include "data/datasetspec.h"
#include "project/project.h"
#include "graph/layerregistry.h"
#include "util/displaytext.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace lepton::cli {
namespace {

std::string number(double value)
{
    if (std::isnan(value))
        return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
}

// File text (column and class names) shown escaped, padded to a column.
std::string padded(std::string text, size_t width)
{
    text = displayText(text);
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

void printProfile(const DataProfile& profile)
{
    std::cout << "columns:\n  " << padded("name", 22) << padded("kind", 13) << padded("count", 10)
              << padded("missing", 9) << padded("distinct", 10) << padded("min", 11)
              << padded("max", 11) << padded("mean", 11) << "std\n";
    for (const ColumnStats& column : profile.columns) {
        const bool numeric = column.kind != "categorical" && column.kind != "text";
        std::cout << "  " << padded(column.name, 22) << padded(column.kind, 13)
                  << padded(std::to_string(column.count), 10)
                  << padded(std::to_string(column.missing), 9)
                  << padded(column.distinct < 0 ? "-" : std::to_string(column.distinct), 10)
                  << padded(numeric ? number(column.min) : "-", 11)
                  << padded(numeric ? number(column.max) : "-", 11)
                  << padded(numeric ? number(column.mean) : "-", 11)
                  << (numeric ? number(column.std) : "-") << '\n';
    }
    if (!profile.classCounts.empty()) {
        int64_t largest = 1;
        for (int64_t count : profile.classCounts)
            largest = std::max(largest, count);
        std::cout << "classes:\n";
        for (size_t i = 0; i < profile.classCounts.size(); ++i) {
            const int64_t bar = (profile.classCounts[i] * 30 + largest - 1) / largest;
            std::cout << "  " << padded(profile.classNames[i], 22)
                      << padded(std::to_string(profile.classCounts[i]), 9)
                      << std::string(static_cast<size_t>(bar), '#') << '\n';
        }
    }
    std::cout << "quality:\n";
    if (profile.issues.empty())
        std::cout << "  no problems found\n";
    for (const QualityIssue& issue : profile.issues) {
        std::cout << "  ! " << issue.message;
        if (!issue.fixLabel.empty())
            std::cout << " (fix: " << issue.fixLabel << ")";
        std::cout << '\n';
    }
}

} // namespace

// A project names its data; any other path is read by the source that
// recognizes it, with --target naming the column to learn where it has one.
std::pair<DatasetSpec, std::string> dataAt(const std::string& path, const std::string& target)
{
    const std::filesystem::path file(path);
    if (file.extension() == ".lepton") {
        const Project project = loadProject(path, LayerRegistry::builtin());
        return {project.dataset, file.parent_path().string()};
    }
    const auto detected = DataSourceRegistry::builtin().detect(path);
    if (!detected)
        throw DataError(path + ": no data source reads this; expected a CSV/TSV or text table, an"
                               " NPY/NPZ array, MNIST-style IDX files or a folder of images in"
                               " one subfolder per class");
    DatasetSpec spec;
    spec.source = detected->first;
    spec.params = detected->second;
    if (!target.empty()) {
        const DataSourceSpec& source = *DataSourceRegistry::builtin().find(spec.source);
        if (!findParam(source.params, "target"))
            throw DataError(path + ": --target names a column, but " + source.displayName
                            + " data has no columns to choose from");
        spec.params["target"] = target;
    }
    return {spec, std::string()};
}

int runData(const DataOptions& options)
{
    const auto [spec, baseDir] = dataAt(options.path, options.target);
    const DataLoadContext context{baseDir};
    const DatasetSplits data = loadDataset(spec, context);
    const DataProfile profile = profileData(spec, data.train, context);
    const Dataset& train = data.train;
    const DataSourceSpec& source = *DataSourceRegistry::builtin().find(spec.source);
    // In schema order, as the project file and the Data panel list them.
    nlohmann::ordered_json params;
    const nlohmann::json complete = withDefaults(source.params, spec.params);
    for (const ParamSpec& param : source.params)
        params[param.name] = complete.at(param.name);

    if (options.json) {
        nlohmann::ordered_json json = {
            {"path", options.path},
            {"source", spec.source},
            {"params", params},
            {"samples", train.size()},
            {"test_samples", data.test ? data.test->size() : 0},
            {"feature_shape", train.featureShape},
            {"feature_dtype", dtypeName(train.featureDType)},
            {"task", train.task == TaskType::Classification ? "classification" : "regression"},
            {"classes", train.numClasses},
            {"profile", profile.toJson()}};
        std::cout << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        return 0;
    }
    std::cout << options.path << ": " << source.displayName << '\n'
              << "  read with " << params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n'
              << "  " << train.size() << " samples"
              << (data.test ? " + " + std::to_string(data.test->size()) + " test" : "")
              << " · features " << tensorTypeToString(TensorType(train.featureShape, train.featureDType))
              << " · "
              << (train.task == TaskType::Classification
                      ? "classification, " + std::to_string(train.numClasses) + " classes"
                      : "regression onto " + shapeToString(train.targetShape))
              << '\n';
    printProfile(profile);
    return 0;
}

} // namespace lepton::cli
