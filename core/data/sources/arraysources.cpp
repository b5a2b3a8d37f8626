// NPY/NPZ arrays and image folders.
#include "data/imagefolder.h"
#include "data/npydataset.h"
#include "data/sources/builtinsources.h"

#include <filesystem>

namespace lepton {

namespace {

std::string resolved(const nlohmann::json& params, const char* name, const DataLoadContext& context)
{
    const std::string path = stringParam(params, name);
    return path.empty() ? path : context.resolve(path);
}

DatasetSplits loadArrays(const nlohmann::json& params, const DataLoadContext& context)
{
    NpyDatasetOptions options;
    const std::string features = resolved(params, "features", context);
    if (features.empty())
        throw DataError("no array file chosen (params.features)");
    if (lowerExtension(features) == ".npz") {
        options.archive = features;
    } else {
        options.features = features;
        options.labels = resolved(params, "labels", context);
        options.testFeatures = resolved(params, "test_features", context);
        options.testLabels = resolved(params, "test_labels", context);
    }
    const std::string task = stringParam(params, "task");
    options.task = task == "classification" ? NpyDatasetOptions::Task::Classification
        : task == "regression"              ? NpyDatasetOptions::Task::Regression
                                            : NpyDatasetOptions::Task::Auto;
    return loadNpyDataset(options);
}

// "x.npy" pairs with "y.npy", "x_train.npy" with "y_train.npy" and the
// "_test" twins when they exist; an .npz archive holds them all.
nlohmann::json detectArrays(const std::string& path)
{
    const std::string extension = lowerExtension(path);
    if (extension == ".npz")
        return {{"features", path}};
    if (extension != ".npy")
        return nullptr;
    const std::filesystem::path file(path);
    const std::string stem = file.stem().string();
    const auto sibling = [&](std::string name) {
        const std::filesystem::path candidate = file.parent_path() / (name + ".npy");
        return std::filesystem::exists(candidate) ? candidate.string() : std::string();
    };
    nlohmann::json params = {{"features", path}};
    if (!stem.empty() && (stem[0] == 'x' || stem[0] == 'X')) {
        const std::string rest = stem.substr(1);
        params["labels"] = sibling(std::string(1, stem[0] == 'x' ? 'y' : 'Y') + rest);
        if (rest == "_train") {
            params["test_features"] = sibling(stem.substr(0, 1) + "_test");
            params["test_labels"] = sibling(std::string(1, stem[0] == 'x' ? 'y' : 'Y') + "_test");
        }
    }
    return params;
}

DatasetSplits loadImages(const nlohmann::json& params, const DataLoadContext& context)
{
    ImageFolderOptions options;
    options.root = resolved(params, "folder", context);
    if (options.root.empty())
        throw DataError("no image folder chosen (params.folder)");
    options.testRoot = resolved(params, "test_folder", context);
    options.width = static_cast<int>(intParam(params, "width"));
    options.height = static_cast<int>(intParam(params, "height"));
    const std::string channels = stringParam(params, "channels");
    options.channels = channels == "gray" ? 1 : channels == "rgb" ? 3 : 0;
    const std::string decode = stringParam(params, "decode");
    options.decoding = decode == "in_memory" ? ImageDecoding::InMemory
        : decode == "per_batch"              ? ImageDecoding::PerBatch
                                             : ImageDecoding::Auto;
    options.strict = params.at("strict").get<bool>();
    options.stop = context.stop;
    DatasetSplits splits = loadImageFolder(options);
    if (context.stopRequested())
        throw DataCancelled();
    return splits;
}

nlohmann::json detectImages(const std::string& path)
{
    if (!std::filesystem::is_directory(path))
        return nullptr;
    try {
        const ImageFolderListing listing = listImageFolder(path);
        if (listing.imageCount() == 0)
            return nullptr;
    } catch (const DataError&) {
        return nullptr;
    }
    return {{"folder", path}};
}

} // namespace

DataSourceSpec npySource()
{
    const std::vector<std::string> filters = {"NumPy arrays (*.npy *.npz)", "All files (*)"};
    DataSourceSpec spec;
    spec.id = "npy";
    spec.displayName = "NumPy arrays";
    spec.description = "Features and labels as .npy files or one .npz archive; nothing is unpickled";
    spec.params = {
        {"features", ParamType::File, "", {}, {}, filters,
         "Features [N, ...] as .npy, or an .npz holding x/y (or x_train/y_train and x_test/y_test)"},
        {"labels", ParamType::File, "", {}, {}, filters, "Labels or targets [N] as .npy (not for .npz)"},
        {"test_features", ParamType::File, "", {}, {}, filters, "Test features (optional)"},
        {"test_labels", ParamType::File, "", {}, {}, filters, "Test labels (optional)"},
        {"task", ParamType::Choice, "auto", {}, {}, {"auto", "classification", "regression"},
         "Auto: whole, non-negative labels are classes; anything else is regression"},
    };
    spec.load = loadArrays;
    spec.detect = detectArrays;
    return spec;
}

DataSourceSpec imagesSource()
{
    DataSourceSpec spec;
    spec.id = "images";
    spec.displayName = "Image folder";
    spec.description = "PNG, JPEG and BMP images in one subfolder per class";
    spec.params = {
        {"folder", ParamType::Folder, "", {}, {}, {}, "Folder with one subfolder of images per class"},
        {"test_folder", ParamType::Folder, "", {}, {}, {}, "Test images in the same layout (optional)"},
        {"width", ParamType::Int, 32, 1, 4096, {}, "Every image is resized to this width"},
        {"height", ParamType::Int, 32, 1, 4096, {}, "... and this height"},
        {"channels", ParamType::Choice, "auto", {}, {}, {"auto", "gray", "rgb"},
         "Gray or colour; auto is colour when any image has colour"},
        {"decode", ParamType::Choice, "auto", {}, {}, {"auto", "in_memory", "per_batch"},
         "Keep the decoded pixels in memory (fast epochs), or decode each batch's images from their files (a "
         "folder larger than memory); auto keeps them when they fit in a quarter of the memory"},
        {"strict", ParamType::Bool, false, {}, {}, {},
         "Stop at an unreadable image instead of skipping it and listing it in the quality report"},
    };
    spec.load = loadImages;
    spec.detect = detectImages;
    return spec;
}

} // namespace lepton
