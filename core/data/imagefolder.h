#pragma once

#include "data/dataset.h"

#include <atomic>
#include <string>
#include <vector>

namespace lepton {

// An image folder laid out one subfolder per class: root/<class>/<images>,
// images being .png, .jpg, .jpeg or .bmp in any letter case, also in
// deeper subfolders. Names starting with '.' are skipped.
struct ImageFolderListing {
    std::string root;
    std::vector<std::string> classNames;         // subfolder names, sorted
    std::vector<std::vector<std::string>> files; // per class: image paths, sorted

    int64_t imageCount() const;
};

// Lists without decoding, for previews. Throws DataError when `root` is not
// a folder or holds no class subfolders; a class may list no images.
ImageFolderListing listImageFolder(const std::string& root);

// Whether the decoded pixels are kept in memory or each image is decoded
// again whenever a batch needs it, for folders larger than memory.
enum class ImageDecoding {
    Auto,     // in memory when the pixels fit in `memoryBudget`
    InMemory,
    PerBatch,
};

struct ImageFolderOptions {
    std::string root;     // absolute
    std::string testRoot; // optional held-out images; each class must be one of root's
    int width = 32;
    int height = 32;
    // 1 (gray), 3 (RGB), or 0: RGB when any pixel of any image in the
    // training or test set has colour, else gray. Decided from every image
    // as it is decoded; gray images are kept with one plane until then.
    int channels = 0;
    ImageDecoding decoding = ImageDecoding::Auto;
    // Bytes of decoded pixels Auto keeps in memory; 0: a quarter of the
    // machine's physical memory.
    int64_t memoryBudget = 0;
    // An unreadable image is an error instead of an entry in `unreadable`.
    bool strict = false;
    int threads = 0; // 0: one per hardware thread
    // Checked between images; once set, the loader returns early with
    // incomplete data, and the caller, who set it, discards it.
    const std::atomic<bool>* stop = nullptr;
};

// Decodes every image on several threads; the samples come in listing order
// whatever the thread count. Features are bytes, [C, H, W] per sample, kept
// in memory or, when decoded per batch, made by the dataset's reader (every
// image is still decoded once here, to find the unreadable ones and, for
// channels 0, whether any has colour).
DatasetSplits loadImageFolder(const ImageFolderOptions& options);

} // namespace lepton
