// JPEG through libjpeg-turbo, from memory. libjpeg reports a fatal error by
// calling error_exit, which must not return: its default exits the process,
// and a C++ exception cannot unwind through libjpeg's C frames, so ours
// longjmps back to readJpeg and the error becomes a DataError there.
#include "data/imagecodecs.h"

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>
#include <jerror.h>

namespace lepton {

namespace {

// A progressive file may repeat scans over the whole image: a few kilobytes
// could keep the decoder busy for minutes. Encoders write about a dozen.
constexpr int kMaxScans = 500;

struct JpegErrors {
    jpeg_error_mgr manager; // first: libjpeg hands its address back as cinfo->err
    jpeg_progress_mgr progress;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX] = {};
};

JpegErrors& errorsOf(j_common_ptr info)
{
    return *reinterpret_cast<JpegErrors*>(info->err);
}

[[noreturn]] void stop(j_common_ptr info)
{
    info->err->format_message(info, errorsOf(info).message);
    std::longjmp(errorsOf(info).jump, 1);
}

// Warnings pass silently, except the two that say the data ran out: libjpeg
// would go on and fill the rest of the image with gray.
void warn(j_common_ptr info, int level)
{
    const int code = info->err->msg_code;
    if (level < 0 && (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER))
        stop(info);
}

void limitScans(j_common_ptr info)
{
    if (reinterpret_cast<j_decompress_ptr>(info)->input_scan_number <= kMaxScans)
        return;
    std::snprintf(errorsOf(info).message, JMSG_LENGTH_MAX, "more than %d progressive scans", kMaxScans);
    std::longjmp(errorsOf(info).jump, 1);
}

// One decompression; the destructor frees whatever libjpeg allocated, on
// every way out (jpeg_destroy_decompress accepts a struct never created).
struct JpegSession {
    JpegErrors errors;
    jpeg_decompress_struct info{};

    JpegSession()
    {
        info.err = jpeg_std_error(&errors.manager);
        errors.manager.error_exit = stop;
        errors.manager.emit_message = warn;
        errors.progress.progress_monitor = limitScans;
    }
    ~JpegSession() { jpeg_destroy_decompress(&info); }
    JpegSession(const JpegSession&) = delete;
    JpegSession& operator=(const JpegSession&) = delete;
};

// False when libjpeg gave up. Between setjmp and a longjmp back to it lives
// nothing with a destructor: the jump would skip it. The objects are the
// caller's; a DataError thrown from here unwinds normally.
bool readJpeg(JpegSession& session, const std::string& path, const uint8_t* bytes, size_t size,
              DecodedImage& image)
{
    jpeg_decompress_struct& info = session.info;
    if (setjmp(session.errors.jump))
        return false;
    jpeg_create_decompress(&info);
    info.progress = &session.errors.progress;
    jpeg_mem_src(&info, bytes, static_cast<unsigned long>(size));
    jpeg_read_header(&info, TRUE);
    checkImageSize(path, info.image_width, info.image_height);
    // libjpeg's defaults: gray stays gray, YCbCr becomes RGB, YCCK CMYK.
    if (info.out_color_space != JCS_GRAYSCALE && info.out_color_space != JCS_RGB && info.out_color_space != JCS_CMYK)
        failDecoding(path, "a JPEG of " + std::to_string(info.num_components) + " colour components");
    jpeg_start_decompress(&info);
    image.width = int(info.output_width);
    image.height = int(info.output_height);
    image.channels = info.output_components;
    const size_t stride = size_t(info.output_width) * size_t(info.output_components);
    image.pixels.resize(stride * info.output_height);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = image.pixels.data() + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    // No jpeg_finish_decompress: every pixel is read, and a file cut just
    // before its end marker is still a whole image.
    return true;
}

// Adobe's CMYK files, and libjpeg's YCCK output, hold inverted inks: each
// value is the light a channel lets through, so red = C K / 255.
void cmykToRgb(DecodedImage& image)
{
    const size_t area = size_t(image.width) * size_t(image.height);
    uint8_t* pixels = image.pixels.data();
    for (size_t p = 0; p < area; ++p) {
        const unsigned c = pixels[4 * p], m = pixels[4 * p + 1], y = pixels[4 * p + 2], k = pixels[4 * p + 3];
        pixels[3 * p] = uint8_t((c * k + 127) / 255);
        pixels[3 * p + 1] = uint8_t((m * k + 127) / 255);
        pixels[3 * p + 2] = uint8_t((y * k + 127) / 255);
    }
    image.pixels.resize(3 * area);
    image.channels = 3;
}

} // namespace

DecodedImage decodeJpeg(const std::string& path, const uint8_t* bytes, size_t size)
{
    JpegSession session;
    DecodedImage image;
    if (!readJpeg(session, path, bytes, size, image))
        failDecoding(path, session.errors.message);
    if (image.channels == 4)
        cmykToRgb(image);
    return image;
}

} // namespace lepton
