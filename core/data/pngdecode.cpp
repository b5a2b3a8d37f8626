// PNG through libpng, from memory. libpng reports a fatal error by calling
// the error function, which must not return; a C++ exception cannot unwind
// through libpng's C frames, so ours longjmps back to readPng and the error
// becomes a DataError there.
#include "data/imagecodecs.h"
#include "data/imagedecoder.h"

#include <cstdio>
#include <cstring>

#include <png.h>

namespace lepton {

namespace {

struct PngSession {
    png_structp png = nullptr;
    png_infop info = nullptr;
    const uint8_t* bytes = nullptr;
    size_t size = 0;
    size_t offset = 0;
    char message[160] = {};

    ~PngSession() { png_destroy_read_struct(&png, &info, nullptr); }
};

void stop(png_structp png, png_const_charp message)
{
    auto* session = static_cast<PngSession*>(png_get_error_ptr(png));
    std::snprintf(session->message, sizeof session->message, "%s", message);
    png_longjmp(png, 1);
}

void ignoreWarning(png_structp, png_const_charp) {}

void readBytes(png_structp png, png_bytep out, size_t length)
{
    auto* session = static_cast<PngSession*>(png_get_io_ptr(png));
    if (length > session->size - session->offset)
        png_error(png, "the file is cut short");
    std::memcpy(out, session->bytes + session->offset, length);
    session->offset += length;
}

// False when libpng gave up. Between setjmp and a longjmp back to it lives
// nothing with a destructor: the jump would skip it. The objects are the
// caller's; a DataError thrown from here unwinds normally.
bool readPng(PngSession& session, DecodedImage& image)
{
    png_structp png = session.png;
    png_infop info = session.info;
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_set_read_fn(png, &session, readBytes);
    png_set_user_limits(png, kMaxImageSide, kMaxImageSide);
    png_read_info(png, info);
    // 8-bit gray or RGB whatever the file holds: palettes and low bit
    // depths expanded, 16 bits cut to their high byte, alpha dropped.
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    const int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    image.width = int(png_get_image_width(png, info));
    image.height = int(png_get_image_height(png, info));
    image.channels = png_get_channels(png, info);
    const size_t stride = png_get_rowbytes(png, info);
    if ((image.channels != 1 && image.channels != 3) || stride != size_t(image.width) * size_t(image.channels))
        png_error(png, "unexpected pixel layout");
    image.pixels.resize(stride * size_t(image.height));
    for (int pass = 0; pass < passes; ++pass) {
        for (int y = 0; y < image.height; ++y)
            png_read_row(png, image.pixels.data() + stride * size_t(y), nullptr);
    }
    // No png_read_end: the chunks after the pixels are not needed.
    return true;
}

uint32_t bigEndian(const uint8_t* bytes)
{
    return uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | bytes[3];
}

} // namespace

DecodedImage decodePng(const std::string& path, const uint8_t* bytes, size_t size)
{
    // IHDR is the first chunk of every PNG. Its size is checked here, before
    // libpng checks the chunk's CRC and the rest, so that a bomb is refused as
    // too large whatever else is wrong with it; the user limits back this up.
    if (size >= 24 && std::memcmp(bytes + 12, "IHDR", 4) == 0)
        checkImageSize(path, bigEndian(bytes + 16), bigEndian(bytes + 20));
    PngSession session;
    session.bytes = bytes;
    session.size = size;
    session.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &session, stop, ignoreWarning);
    if (session.png)
        session.info = png_create_info_struct(session.png);
    if (!session.info)
        failImage(path, "out of memory");
    DecodedImage image;
    if (!readPng(session, image))
        failDecoding(path, session.message);
    return image;
}

} // namespace lepton
