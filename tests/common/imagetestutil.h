#pragma once

// Writes test images with stb_image_write, compiled static into each test
// that includes this.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtTest>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include <cstdint>
#include <vector>

namespace lepton::testing {

// Interleaved pixels of one colour.
inline std::vector<uint8_t> solid(int width, int height, std::vector<uint8_t> colour)
{
    std::vector<uint8_t> pixels;
    for (int i = 0; i < width * height; ++i)
        pixels.insert(pixels.end(), colour.begin(), colour.end());
    return pixels;
}

// Writes interleaved `pixels` (1 or 3 channels) as the file's extension says.
inline void writeImage(const QString& path, int width, int height, const std::vector<uint8_t>& pixels)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).path()));
    const int channels = int(pixels.size()) / (width * height);
    const QByteArray name = QFile::encodeName(path);
    const QString suffix = QFileInfo(path).suffix().toLower();
    int written = 0;
    if (suffix == QLatin1String("png"))
        written = stbi_write_png(name.constData(), width, height, channels, pixels.data(), width * channels);
    else if (suffix == QLatin1String("bmp"))
        written = stbi_write_bmp(name.constData(), width, height, channels, pixels.data());
    else
        written = stbi_write_jpg(name.constData(), width, height, channels, pixels.data(), 95);
    QVERIFY(written);
}

} // namespace lepton::testing
