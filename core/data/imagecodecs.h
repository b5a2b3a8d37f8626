#pragma once

// The per-format decoders behind decodeImage (imagedecoder.h), for its
// sources only. Each takes the whole file in memory, checks the size the
// file declares with checkImageSize before it allocates the pixels, and
// throws DataError "path: reason" for anything it cannot decode.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Interleaved 8-bit pixels, `channels` of them per pixel: 1 (gray) or 3 (RGB).
struct DecodedImage {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<uint8_t> pixels;
};

DecodedImage decodePng(const std::string& path, const uint8_t* bytes, size_t size);
DecodedImage decodeJpeg(const std::string& path, const uint8_t* bytes, size_t size);
DecodedImage decodeBmp(const std::string& path, const uint8_t* bytes, size_t size);

[[noreturn]] void failImage(const std::string& path, const std::string& problem);
// A corrupt or unsupported file: "cannot decode the image (reason)".
[[noreturn]] void failDecoding(const std::string& path, const std::string& reason);
// Refuses empty images and sizes beyond kMaxImageSide and kMaxImagePixels.
void checkImageSize(const std::string& path, int64_t width, int64_t height);

} // namespace lepton
