#include "data/imagefolder.h"

#include "data/imagedecoder.h"
#include "data/readbuffer.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include <unistd.h>

namespace lepton {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw DataError(path + ": " + problem);
}

bool isHidden(const fs::path& path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name[0] == '.';
}

bool isImageFile(const fs::path& path)
{
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".bmp";
}

std::vector<std::string> imagesUnder(const fs::path& folder)
{
    std::vector<std::string> files;
    std::error_code error;
    fs::recursive_directory_iterator it(folder, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        std::error_code ignored;
        if (isHidden(it->path())) {
            if (it->is_directory(ignored))
                it.disable_recursion_pending();
        } else if (it->is_regular_file(ignored) && isImageFile(it->path())) {
            files.push_back(it->path().string());
        }
    }
    if (error)
        fail(folder.string(), "cannot list the folder: " + error.message());
    std::sort(files.begin(), files.end());
    return files;
}

// One image to decode and the dataset slot it fills.
struct Job {
    const std::string* path;
    int64_t label;
    bool test;
};

struct Decoded {
    // Planar, 1 or 3 channels; empty when unreadable or not kept.
    std::vector<std::vector<uint8_t>> pixels;
    std::vector<std::string> errors; // "path: reason" where unreadable
    bool colour = false;             // whether any image has colour
    bool stopped = false;
};

// Decodes on `threads` threads that take the next job in order, so with
// `strict` every job before the first failure has been tried when they stop.
// Without `keepPixels` only what the images are is kept: memory stays
// bounded however many there are.
Decoded decodeAll(const std::vector<Job>& jobs, const ImageFolderOptions& options, bool keepPixels)
{
    Decoded result;
    result.pixels.resize(jobs.size());
    result.errors.resize(jobs.size());
    const size_t area = size_t(options.width) * size_t(options.height);
    std::atomic<bool> colour{false};
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    auto work = [&] {
        while (!(options.stop && options.stop->load(std::memory_order_relaxed))
               && !(options.strict && failed.load(std::memory_order_relaxed))) {
            const size_t i = next.fetch_add(1);
            if (i >= jobs.size())
                return;
            try {
                std::vector<uint8_t> pixels = decodeImage(*jobs[i].path, options.width, options.height, options.channels);
                if (pixels.size() > area)
                    colour.store(true, std::memory_order_relaxed);
                if (keepPixels)
                    result.pixels[i] = std::move(pixels);
            } catch (const std::exception& error) {
                result.errors[i] = dynamic_cast<const DataError*>(&error)
                    ? error.what()
                    : *jobs[i].path + ": cannot decode the image (" + error.what() + ")";
                failed = true;
            }
        }
    };
    const unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
    const size_t threads = std::min(jobs.size(), size_t(options.threads > 0 ? unsigned(options.threads) : hardware));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t) {
        try {
            pool.emplace_back(work);
        } catch (const std::system_error&) {
            break; // fewer threads finish the same work
        }
    }
    work();
    for (std::thread& thread : pool)
        thread.join();
    result.colour = colour;
    result.stopped = options.stop && options.stop->load();
    return result;
}

Dataset makeDataset(const ImageFolderListing& listing, const std::vector<std::string>& classNames, int channels,
                    const ImageFolderOptions& options)
{
    Dataset dataset;
    dataset.name = fs::path(listing.root).filename().string();
    if (dataset.name.empty())
        dataset.name = fs::path(listing.root).parent_path().filename().string();
    dataset.task = TaskType::Classification;
    dataset.featureShape = {channels, options.height, options.width};
    dataset.numClasses = int64_t(classNames.size());
    dataset.classNames = classNames;
    dataset.encoding = {{"source", "images"},    {"width", options.width},
                        {"height", options.height}, {"channels", channels},
                        {"layout", "CHW"},        {"scale", "byte / 255"},
                        {"classes", classNames}};
    return dataset;
}

// Moves one decoded image into `dataset`, repeating a gray plane for RGB.
void append(Dataset& dataset, std::vector<uint8_t>& pixels, int64_t label)
{
    const size_t area = size_t(dataset.featureShape[1] * dataset.featureShape[2]);
    const auto channels = size_t(dataset.featureShape[0]);
    for (size_t c = 0; c < channels; ++c) {
        const auto plane = pixels.begin() + std::ptrdiff_t(pixels.size() == area ? 0 : c * area);
        dataset.featureBytes.insert(dataset.featureBytes.end(), plane, plane + std::ptrdiff_t(area));
    }
    dataset.labels.push_back(label);
    pixels = {};
}

// Makes each sample by decoding its file again, for folders whose pixels
// are not kept in memory.
class FolderImageReader : public SampleReader {
public:
    FolderImageReader(std::vector<std::string> paths, int width, int height, int channels)
        : m_paths(std::move(paths))
        , m_width(width)
        , m_height(height)
        , m_channels(channels)
    {
    }

    void read(int64_t sample, uint8_t* out) const override
    {
        const std::vector<uint8_t> pixels = decodeImage(m_paths.at(size_t(sample)), m_width, m_height, m_channels);
        std::copy(pixels.begin(), pixels.end(), out);
    }

private:
    std::vector<std::string> m_paths;
    int m_width;
    int m_height;
    int m_channels;
};

int64_t defaultMemoryBudget()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? int64_t(pages) * pageSize / 4 : int64_t(1) << 30;
}

bool decodePerBatch(const ImageFolderOptions& options, size_t images)
{
    if (options.decoding != ImageDecoding::Auto)
        return options.decoding == ImageDecoding::PerBatch;
    // Auto colour may turn out RGB, so the budget is judged on three channels.
    const int64_t pixels = int64_t(images) * (options.channels == 1 ? 1 : 3) * options.width * options.height;
    return pixels > (options.memoryBudget > 0 ? options.memoryBudget : defaultMemoryBudget());
}

} // namespace

int64_t ImageFolderListing::imageCount() const
{
    int64_t count = 0;
    for (const auto& classFiles : files)
        count += int64_t(classFiles.size());
    return count;
}

ImageFolderListing listImageFolder(const std::string& root)
{
    std::error_code error;
    if (!fs::is_directory(root, error))
        fail(root, fs::exists(root, error) ? "is not a folder" : "no such folder");
    ImageFolderListing listing;
    listing.root = root;
    for (fs::directory_iterator it(root, error); !error && it != fs::directory_iterator(); it.increment(error)) {
        std::error_code ignored;
        if (it->is_directory(ignored) && !isHidden(it->path()))
            listing.classNames.push_back(it->path().filename().string());
    }
    if (error)
        fail(root, "cannot list the folder: " + error.message());
    if (listing.classNames.empty())
        fail(root, "holds no class subfolders; expected one folder of images per class (root/<class>/<images>)");
    std::sort(listing.classNames.begin(), listing.classNames.end());
    for (const std::string& name : listing.classNames)
        listing.files.push_back(imagesUnder(fs::path(root) / name));
    return listing;
}

DatasetSplits loadImageFolder(const ImageFolderOptions& options)
{
    if (options.width < 1 || options.height < 1 || options.width > kMaxImageSide || options.height > kMaxImageSide)
        throw DataError("image size " + std::to_string(options.width) + " x " + std::to_string(options.height)
                        + " is out of range (1 to " + std::to_string(kMaxImageSide) + " per side)");
    if (options.channels != 0 && options.channels != 1 && options.channels != 3)
        throw DataError("images have 1 (gray) or 3 (RGB) channels, or 0 to decide from the files; not "
                        + std::to_string(options.channels));

    std::vector<ImageFolderListing> listings = {listImageFolder(options.root)};
    if (!options.testRoot.empty())
        listings.push_back(listImageFolder(options.testRoot));
    const std::vector<std::string>& classNames = listings[0].classNames;
    std::vector<Job> jobs;
    for (const ImageFolderListing& listing : listings) {
        const bool test = &listing != &listings[0];
        for (size_t c = 0; c < listing.classNames.size(); ++c) {
            const std::string folder = (fs::path(listing.root) / listing.classNames[c]).string();
            const auto known = std::find(classNames.begin(), classNames.end(), listing.classNames[c]);
            if (known == classNames.end()) {
                std::string names;
                for (const std::string& name : classNames)
                    names += (names.empty() ? "" : ", ") + name;
                fail(folder, "class '" + listing.classNames[c] + "' is not one of the training classes (" + names + ")");
            }
            if (listing.files[c].empty())
                fail(folder, "holds no PNG, JPEG or BMP images");
            for (const std::string& path : listing.files[c])
                jobs.push_back({&path, known - classNames.begin(), test});
        }
    }
    const bool perBatch = decodePerBatch(options, jobs.size());
    const int64_t sampleBytes = int64_t(options.channels ? options.channels : 1) * options.width * options.height;
    if (!perBatch)
        checkAllocation(options.root, std::to_string(jobs.size()) + " images", int64_t(jobs.size()) * sampleBytes);

    Decoded decoded = decodeAll(jobs, options, !perBatch);
    if (decoded.stopped)
        return {};
    const auto firstError = std::find_if(decoded.errors.begin(), decoded.errors.end(),
                                         [](const std::string& error) { return !error.empty(); });
    if (options.strict && firstError != decoded.errors.end())
        throw DataError(*firstError);

    const size_t area = size_t(options.width) * size_t(options.height);
    const int channels = options.channels != 0 ? options.channels : decoded.colour ? 3 : 1;
    DatasetSplits splits;
    splits.train = makeDataset(listings[0], classNames, channels, options);
    if (listings.size() > 1)
        splits.test = makeDataset(listings[1], classNames, channels, options);
    size_t readable[2] = {0, 0}; // training, test
    for (size_t i = 0; i < jobs.size(); ++i)
        readable[jobs[i].test] += decoded.errors[i].empty();
    if (!perBatch) {
        splits.train.featureBytes.reserve(readable[0] * size_t(channels) * area);
        if (splits.test)
            splits.test->featureBytes.reserve(readable[1] * size_t(channels) * area);
    }
    std::vector<std::string> readablePaths[2]; // training, test; per batch only
    for (size_t i = 0; i < jobs.size(); ++i) {
        Dataset& dataset = jobs[i].test ? *splits.test : splits.train;
        if (!decoded.errors[i].empty()) {
            dataset.unreadable.push_back(std::move(decoded.errors[i]));
        } else if (perBatch) {
            readablePaths[jobs[i].test].push_back(*jobs[i].path);
            dataset.labels.push_back(jobs[i].label);
        } else {
            append(dataset, decoded.pixels[i], jobs[i].label);
        }
    }
    if (perBatch) {
        splits.train.reader = std::make_shared<FolderImageReader>(std::move(readablePaths[0]), options.width,
                                                                  options.height, channels);
        if (splits.test)
            splits.test->reader = std::make_shared<FolderImageReader>(std::move(readablePaths[1]), options.width,
                                                                      options.height, channels);
    }
    for (size_t l = 0; l < listings.size(); ++l) {
        const Dataset& dataset = l == 0 ? splits.train : *splits.test;
        if (dataset.size() == 0)
            fail(listings[l].root, "none of its " + std::to_string(dataset.unreadable.size())
                     + " images could be read; the first: " + dataset.unreadable.front());
    }
    return splits;
}

} // namespace lepton
