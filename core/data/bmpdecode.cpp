// BMP, read here: uncompressed rows of palette indices (1, 4 or 8 bits) or
// of BGR (24 bits) and BGRx (32 bits) pixels. Every offset the file declares
// is checked against its length before it is used.
#include "data/imagecodecs.h"

#include <cstdlib>

namespace lepton {

namespace {

constexpr size_t kFileHeader = 14;
constexpr size_t kInfoHeader = 40; // BITMAPINFOHEADER; V4 and V5 extend it
constexpr uint32_t kUncompressed = 0;
constexpr uint32_t kBitfields = 3;

uint32_t u32(const uint8_t* bytes)
{
    return uint32_t(bytes[0]) | uint32_t(bytes[1]) << 8 | uint32_t(bytes[2]) << 16 | uint32_t(bytes[3]) << 24;
}

uint16_t u16(const uint8_t* bytes)
{
    return uint16_t(bytes[0] | bytes[1] << 8);
}

[[noreturn]] void unsupported(const std::string& path, const std::string& what)
{
    failImage(path, what + " is not supported; this reads uncompressed BMPs of 1, 4, 8, 24 or 32 bits per pixel");
}

// 32-bit files may say BI_BITFIELDS; the masks must then be the usual BGRx.
bool plainMasks(const uint8_t* bytes, size_t size)
{
    constexpr size_t masks = kFileHeader + kInfoHeader;
    return size >= masks + 12 && u32(bytes + masks) == 0xFF0000 && u32(bytes + masks + 4) == 0xFF00
        && u32(bytes + masks + 8) == 0xFF;
}

} // namespace

DecodedImage decodeBmp(const std::string& path, const uint8_t* bytes, size_t size)
{
    if (size < kFileHeader + 4)
        failDecoding(path, "the file is cut short");
    const uint32_t headerSize = u32(bytes + kFileHeader);
    if (headerSize < kInfoHeader)
        unsupported(path, "a BMP header of " + std::to_string(headerSize) + " bytes");
    if (size < kFileHeader + kInfoHeader)
        failDecoding(path, "the file is cut short");
    const uint8_t* info = bytes + kFileHeader;
    const int64_t width = int32_t(u32(info + 4));
    const int64_t signedHeight = int32_t(u32(info + 8)); // negative: rows stored top-down
    const int bits = u16(info + 14);
    const uint32_t compression = u32(info + 16);
    const int64_t height = std::llabs(signedHeight);
    checkImageSize(path, width, height);

    const bool indexed = bits == 1 || bits == 4 || bits == 8;
    if (!indexed && bits != 24 && bits != 32)
        unsupported(path, "a BMP of " + std::to_string(bits) + " bits per pixel");
    if (compression != kUncompressed && !(bits == 32 && compression == kBitfields && plainMasks(bytes, size)))
        unsupported(path, "a compressed BMP (method " + std::to_string(compression) + ")");

    uint8_t palette[256][3] = {};
    uint32_t colours = 0;
    if (indexed) {
        const uint32_t used = u32(info + 32);
        colours = used == 0 || used > (1u << bits) ? 1u << bits : used;
        const uint64_t begin = kFileHeader + uint64_t(headerSize);
        if (begin + 4 * uint64_t(colours) > size)
            failDecoding(path, "the palette is cut short");
        for (uint32_t i = 0; i < colours; ++i) {
            const uint8_t* bgr = bytes + begin + 4 * i;
            palette[i][0] = bgr[2];
            palette[i][1] = bgr[1];
            palette[i][2] = bgr[0];
        }
    }

    const uint64_t stride = (uint64_t(width) * uint64_t(bits) + 31) / 32 * 4;
    const uint64_t offset = u32(bytes + 10);
    if (offset + stride * uint64_t(height) > size)
        failDecoding(path, "the pixels are cut short");

    DecodedImage image;
    image.width = int(width);
    image.height = int(height);
    image.channels = 3;
    image.pixels.resize(size_t(width) * size_t(height) * 3);
    for (int64_t y = 0; y < height; ++y) {
        const uint8_t* row = bytes + offset + stride * uint64_t(signedHeight > 0 ? height - 1 - y : y);
        uint8_t* out = image.pixels.data() + size_t(y) * size_t(width) * 3;
        for (int64_t x = 0; x < width; ++x, out += 3) {
            if (indexed) {
                const int64_t bit = x * bits;
                const uint32_t index = (row[bit / 8] >> (8 - bits - bit % 8)) & ((1u << bits) - 1);
                if (index >= colours)
                    failDecoding(path, "a pixel refers to colour " + std::to_string(index) + " of a palette of "
                                           + std::to_string(colours));
                out[0] = palette[index][0];
                out[1] = palette[index][1];
                out[2] = palette[index][2];
            } else {
                const uint8_t* bgr = row + x * (bits / 8);
                out[0] = bgr[2];
                out[1] = bgr[1];
                out[2] = bgr[0];
            }
        }
    }
    return image;
}

} // namespace lepton
