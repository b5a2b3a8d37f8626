#include "data/imagedecoder.h"

#include "data/dataset.h"
#include "data/imagecodecs.h"
#include "util/atomicfile.h"

#include <cstring>
#include <filesystem>
#include <fstream>

// The resizer compiled here and nowhere else, static so that no other copy
// can clash.
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#include <stb/stb_image_resize.h>

namespace lepton {

void failImage(const std::string& path, const std::string& problem)
{
    throw DataError(path + ": " + problem);
}

void failDecoding(const std::string& path, const std::string& reason)
{
    failImage(path, "cannot decode the image (" + reason + ")");
}

void checkImageSize(const std::string& path, int64_t width, int64_t height)
{
    if (width < 1 || height < 1)
        failDecoding(path, "the image declares " + std::to_string(width) + " x " + std::to_string(height) + " pixels");
    if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels)
        failImage(path, "image of " + std::to_string(width) + " x " + std::to_string(height)
                            + " pixels is larger than the " + std::to_string(kMaxImageSide) + " per side or "
                            + std::to_string(kMaxImagePixels / 1'000'000) + " megapixels this decodes");
}

namespace {

std::string readImageFile(const std::string& path)
{
    try {
        return readFile(path, uint64_t(kMaxImageFileBytes));
    } catch (const FileReadError& error) {
        failImage(path, error.reason());
    }
}

bool startsWith(const std::string& file, const char* magic)
{
    return file.compare(0, std::strlen(magic), magic) == 0;
}

// The format is the file's signature, whatever its name says.
DecodedImage decodeFile(const std::string& path, const std::string& file)
{
    const auto* bytes = reinterpret_cast<const uint8_t*>(file.data());
    if (startsWith(file, "\x89PNG\r\n\x1a\n"))
        return decodePng(path, bytes, file.size());
    if (startsWith(file, "\xFF\xD8\xFF"))
        return decodeJpeg(path, bytes, file.size());
    if (startsWith(file, "BM"))
        return decodeBmp(path, bytes, file.size());
    failImage(path, "not a PNG, JPEG or BMP image");
}

bool isGray(const uint8_t* rgb, size_t pixels)
{
    for (size_t p = 0; p < pixels; ++p, rgb += 3) {
        if (rgb[0] != rgb[1] || rgb[1] != rgb[2])
            return false;
    }
    return true;
}

// To `channels`, or for 0 to gray when no pixel has colour: gray pixels in
// an RGB file (every JPEG stb_image_write makes, many scans) count as gray.
void convertChannels(DecodedImage& image, int channels)
{
    const size_t area = size_t(image.width) * size_t(image.height);
    uint8_t* pixels = image.pixels.data();
    if (image.channels == 3 && (channels == 1 || (channels == 0 && isGray(pixels, area)))) {
        // stb_image's luma, exact for gray pixels: (77 r + 150 g + 29 b) / 256.
        for (size_t p = 0; p < area; ++p)
            pixels[p] = uint8_t((77 * pixels[3 * p] + 150 * pixels[3 * p + 1] + 29 * pixels[3 * p + 2]) >> 8);
        image.pixels.resize(area);
        image.channels = 1;
    } else if (image.channels == 1 && channels == 3) {
        image.pixels.resize(3 * area);
        pixels = image.pixels.data();
        for (size_t p = area; p-- > 0;)
            pixels[3 * p] = pixels[3 * p + 1] = pixels[3 * p + 2] = pixels[p];
        image.channels = 3;
    }
}

} // namespace

std::vector<uint8_t> decodeImage(const std::string& path, int width, int height, int channels)
{
    if (width < 1 || height < 1 || width > kMaxImageSide || height > kMaxImageSide)
        failImage(path, "cannot size an image to " + std::to_string(width) + " x " + std::to_string(height));
    if (channels != 0 && channels != 1 && channels != 3)
        failImage(path, "images have 1 or 3 channels, not " + std::to_string(channels));
    DecodedImage image = decodeFile(path, readImageFile(path));
    convertChannels(image, channels);
    const int want = image.channels;

    std::vector<uint8_t> resized;
    const uint8_t* pixels = image.pixels.data();
    if (image.width != width || image.height != height) {
        resized.resize(size_t(width) * size_t(height) * size_t(want));
        if (!stbir_resize_uint8(pixels, image.width, image.height, 0, resized.data(), width, height, 0, want))
            failImage(path, "cannot resize the image");
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
