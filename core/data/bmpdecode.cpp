// BMP through stb_image, compiled here and nowhere else, static so that no
// other copy (a system libstb) can clash.
#include "data/imagecodecs.h"

#include <memory>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_BMP
#define STBI_NO_STDIO // the file is read once, by decodeImage, after its size is checked
// checkImageSize applies this decoder's limits; stb_image's would only end
// in "unknown image type".
#define STBI_MAX_DIMENSIONS 0x7FFFFFFF
#include <stb/stb_image.h>

namespace lepton {

namespace {

// stb_image keeps its failure reason per thread.
std::string failureReason()
{
    return stbi_failure_reason() ? stbi_failure_reason() : "unknown error";
}

} // namespace

DecodedImage decodeBmp(const std::string& path, const uint8_t* bytes, size_t size)
{
    const int length = static_cast<int>(size); // files are at most kMaxImageFileBytes
    DecodedImage image;
    int fileChannels = 0;
    if (!stbi_info_from_memory(bytes, length, &image.width, &image.height, &fileChannels))
        failDecoding(path, failureReason());
    checkImageSize(path, image.width, image.height);
    // Always RGB: convertChannels finds the gray ones.
    const std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
        stbi_load_from_memory(bytes, length, &image.width, &image.height, &fileChannels, 3), stbi_image_free);
    if (!decoded)
        failDecoding(path, failureReason());
    image.channels = 3;
    image.pixels.assign(decoded.get(), decoded.get() + size_t(image.width) * size_t(image.height) * 3);
    return image;
}

} // namespace lepton
