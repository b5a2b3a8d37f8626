#include "data/imagedecoder.h"

#include "data/dataset.h"

#include <filesystem>
#include <fstream>
#include <memory>

// stb compiled here and nowhere else, static so that no other copy (a
// system libstb) can clash. Only the three formats the workbench reads.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO // files are read here, once, after their size is checked
// decodeImage checks the size stbi_info reports against its own limits;
// stb_image's would only end in "unknown image type".
#define STBI_MAX_DIMENSIONS 0x7FFFFFFF
#include <stb/stb_image.h>
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#include <stb/stb_image_resize.h>

namespace lepton {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw DataError(path + ": " + problem);
}

// stb_image keeps its failure reason per thread.
[[noreturn]] void failDecoding(const std::string& path)
{
    const std::string reason = stbi_failure_reason() ? stbi_failure_reason() : "unknown error";
    if (reason == "unknown image type")
        fail(path, "not a PNG, JPEG or BMP image");
    fail(path, "cannot decode the image (" + reason + ")");
}

bool isGray(const uint8_t* rgb, size_t pixels)
{
    for (size_t p = 0; p < pixels; ++p, rgb += 3) {
        if (rgb[0] != rgb[1] || rgb[1] != rgb[2])
            return false;
    }
    return true;
}

std::string readFile(const std::string& path)
{
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error)
        fail(path, "cannot read: " + error.message());
    if (size > uintmax_t(kMaxImageFileBytes))
        fail(path, "file of " + std::to_string(size) + " bytes is larger than any image this reads");
    std::ifstream in(path, std::ios::binary);
    std::string bytes(size_t(size), '\0');
    if (!in.read(bytes.data(), std::streamsize(size)))
        fail(path, "cannot read the file");
    return bytes;
}

} // namespace

std::vector<uint8_t> decodeImage(const std::string& path, int width, int height, int channels)
{
    if (width < 1 || height < 1 || width > kMaxImageSide || height > kMaxImageSide)
        fail(path, "cannot size an image to " + std::to_string(width) + " x " + std::to_string(height));
    if (channels != 0 && channels != 1 && channels != 3)
        fail(path, "images have 1 or 3 channels, not " + std::to_string(channels));
    const std::string file = readFile(path);
    const auto* bytes = reinterpret_cast<const stbi_uc*>(file.data());
    const int length = static_cast<int>(file.size());

    int fileWidth = 0, fileHeight = 0, fileChannels = 0;
    if (!stbi_info_from_memory(bytes, length, &fileWidth, &fileHeight, &fileChannels))
        failDecoding(path);
    if (fileWidth > kMaxImageSide || fileHeight > kMaxImageSide
        || int64_t(fileWidth) * fileHeight > kMaxImagePixels)
        fail(path, "image of " + std::to_string(fileWidth) + " x " + std::to_string(fileHeight)
                 + " pixels is larger than the " + std::to_string(kMaxImageSide) + " per side or "
                 + std::to_string(kMaxImagePixels / 1'000'000) + " megapixels this decodes");
    int want = channels ? channels : (fileChannels >= 3 ? 3 : 1);
    const std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
        stbi_load_from_memory(bytes, length, &fileWidth, &fileHeight, &fileChannels, want), stbi_image_free);
    if (!decoded)
        failDecoding(path);
    if (channels == 0 && want == 3 && isGray(decoded.get(), size_t(fileWidth) * size_t(fileHeight))) {
        // Gray pixels in an RGB file (every JPEG stb_image_write makes, many scans) count as gray.
        for (size_t p = 0, area = size_t(fileWidth) * size_t(fileHeight); p < area; ++p)
            decoded.get()[p] = decoded.get()[3 * p];
        want = 1;
    }

    std::vector<uint8_t> resized;
    const uint8_t* pixels = decoded.get();
    if (fileWidth != width || fileHeight != height) {
        resized.resize(size_t(width) * size_t(height) * size_t(want));
        if (!stbir_resize_uint8(pixels, fileWidth, fileHeight, 0, resized.data(), width, height, 0, want))
            fail(path, "cannot resize the image");
        pixels = resized.data();
    }
    const size_t area = size_t(width) * size_t(height);
    std::vector<uint8_t> planar(area * size_t(want));
    for (size_t p = 0; p < area; ++p) {
        for (int c = 0; c < want; ++c)
            planar[size_t(c) * area + p] = pixels[p * size_t(want) + size_t(c)];
    }
    return planar;
}

} // namespace lepton
