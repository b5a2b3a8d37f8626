#include "data/idxreader.h"
#include "data/sources/builtinsources.h"

#include <algorithm>
#include <filesystem>
#include <future>

namespace lepton {

namespace {

DatasetSplits load(const nlohmann::json& params, const DataLoadContext& context)
{
    const std::string trainImages = stringParam(params, "train_images");
    const std::string trainLabels = stringParam(params, "train_labels");
    const std::string testImages = stringParam(params, "test_images");
    const std::string testLabels = stringParam(params, "test_labels");
    if (trainImages.empty() || trainLabels.empty())
        throw DataError("IDX data needs both a training image file and a training label file");
    if (testImages.empty() != testLabels.empty())
        throw DataError("IDX data needs both a test image file and a test label file, or neither");

    // The test files decode on a second thread while the training files do.
    std::future<Dataset> test;
    if (!testImages.empty())
        test = std::async(std::launch::async, loadIdxDataset, context.resolve(testImages),
                          context.resolve(testLabels));
    DatasetSplits splits;
    splits.train = loadIdxDataset(context.resolve(trainImages), context.resolve(trainLabels));
    if (!test.valid())
        return splits;

    splits.test = test.get();
    if (splits.test->featureShape != splits.train.featureShape)
        throw DataError(context.resolve(testImages) + ": images are "
                        + shapeToString(splits.test->featureShape) + " but the training images are "
                        + shapeToString(splits.train.featureShape));
    // Both sets share one class list, even when one of them lacks the top classes.
    const int64_t classes = std::max(splits.train.numClasses, splits.test->numClasses);
    splits.train.numClasses = classes;
    splits.test->numClasses = classes;
    return splits;
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size()
        && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "train-images-idx3-ubyte[.gz]" names its labels "train-labels-idx1-ubyte[.gz]",
// and "train-*" has a "t10k-*" test twin, as in the MNIST family's files.
nlohmann::json detect(const std::string& path)
{
    const std::string images = "-images-idx3-ubyte";
    const size_t at = path.find(images);
    if (at == std::string::npos || !(endsWith(path, images) || endsWith(path, images + ".gz")))
        return nullptr;
    std::string labels = path;
    labels.replace(at, images.size(), "-labels-idx1-ubyte");
    nlohmann::json params = {{"train_images", path}, {"train_labels", labels},
                             {"test_images", ""}, {"test_labels", ""}};
    const size_t train = path.rfind("train-");
    if (train != std::string::npos && train < at && std::filesystem::exists(path.substr(0, train) + "t10k-" + path.substr(train + 6))) {
        std::string testImages = path;
        testImages.replace(train, 6, "t10k-");
        std::string testLabels = labels;
        testLabels.replace(train, 6, "t10k-");
        params["test_images"] = testImages;
        params["test_labels"] = testLabels;
    }
    return params;
}

} // namespace

DataSourceSpec idxSource()
{
    const std::vector<std::string> filters = {"IDX files (*-ubyte *-ubyte.gz *.idx *.gz)", "All files (*)"};
    DataSourceSpec spec;
    spec.id = "idx";
    spec.displayName = "IDX (MNIST-style)";
    spec.description = "Image and label files in the IDX format of MNIST and Fashion-MNIST, plain or .gz";
    spec.params = {
        {"train_images", ParamType::File, "", {}, {}, filters, "Training images: N x rows x cols bytes"},
        {"train_labels", ParamType::File, "", {}, {}, filters, "Training labels: N bytes"},
        {"test_images", ParamType::File, "", {}, {}, filters, "Test images (optional)"},
        {"test_labels", ParamType::File, "", {}, {}, filters, "Test labels (optional)"},
    };
    spec.load = load;
    spec.detect = detect;
    return spec;
}

} // namespace lepton
