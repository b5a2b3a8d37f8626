#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Larger images are refused before they are decoded: a few kilobytes of PNG
// can declare gigapixels.
constexpr int kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = 100'000'000;
// Larger files are refused before they are read.
constexpr int64_t kMaxImageFileBytes = int64_t(512) << 20;

// Decodes a PNG, JPEG or BMP file, resizes it to width x height and returns
// its pixels planar, [C, H, W]. `channels` is 1 (gray), 3 (RGB) or 0 for
// the image's own: 3 if any pixel has colour, else 1 (size() / (width *
// height) tells which). Alpha is dropped. Throws DataError "path: reason".
std::vector<uint8_t> decodeImage(const std::string& path, int width, int height, int channels);

} // namespace lepton
