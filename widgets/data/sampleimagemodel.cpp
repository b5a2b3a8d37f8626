#include "data/sampleimagemodel.h"

#include <QSize>

#include <algorithm>
#include <cmath>
#include <vector>

namespace lepton {

SampleImageModel::SampleImageModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

bool SampleImageModel::isImageData(const Dataset& dataset)
{
    const Shape& shape = dataset.featureShape;
    return shape.size() == 3 && (shape[0] == 1 || shape[0] == 3) && shape[1] > 0 && shape[2] > 0
        && dataset.featureDType == DType::Float32;
}

void SampleImageModel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    beginResetModel();
    m_dataset = dataset && isImageData(*dataset) ? std::move(dataset) : nullptr;
    m_thumbnails.clear();
    endResetModel();
}

void SampleImageModel::setThumbnailSize(int pixels)
{
    m_thumbnail = pixels;
    m_thumbnails.clear();
}

QImage SampleImageModel::thumbnail(int row) const
{
    if (const QImage* cached = m_thumbnails.object(row))
        return *cached;
    QImage sample;
    try {
        sample = image(row);
    } catch (const std::exception&) {
        return {}; // a lazy image whose file changed since it was read: a blank cell
    }
    // Small images are blown up with hard pixel edges, large ones smoothed.
    const bool small = sample.width() < m_thumbnail && sample.height() < m_thumbnail;
    sample = sample.scaled(m_thumbnail, m_thumbnail, Qt::KeepAspectRatio,
                           small ? Qt::FastTransformation : Qt::SmoothTransformation);
    m_thumbnails.insert(row, new QImage(sample));
    return sample;
}

QImage SampleImageModel::image(int64_t row) const
{
    const Dataset& data = *m_dataset;
    const int channels = int(data.featureShape[0]);
    const int height = int(data.featureShape[1]);
    const int width = int(data.featureShape[2]);
    const int64_t plane = int64_t(height) * width;
    // Bytes are pixels already; floats (normalized or not) are stretched.
    std::vector<uchar> pixels(size_t(data.featuresPerSample()));
    if (data.storesBytes()) {
        data.readSample(row, pixels.data());
    } else {
        const float* begin = data.floatData() + row * data.featuresPerSample();
        const auto range = std::minmax_element(begin, begin + pixels.size());
        const float low = *range.first;
        const float scale = *range.second > low ? 255.0f / (*range.second - low) : 0.0f;
        std::transform(begin, begin + pixels.size(), pixels.begin(), [&](float value) {
            return uchar(std::clamp(std::lround((value - low) * scale), 0L, 255L));
        });
    }
    QImage image(width, height, channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    for (int y = 0; y < height; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const int64_t at = int64_t(y) * width + x;
            for (int c = 0; c < channels; ++c) // planar [C, H, W] to interleaved
                line[x * channels + c] = pixels[size_t(c * plane + at)];
        }
    }
    return image;
}

int SampleImageModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_dataset ? 0 : int(std::min<int64_t>(m_dataset->size(), kMaxImages));
}

QVariant SampleImageModel::data(const QModelIndex& index, int role) const
{
    if (!m_dataset || !index.isValid())
        return {};
    switch (role) {
    case Qt::DecorationRole:
        return thumbnail(index.row());
    case Qt::DisplayRole:
        return labelText(index.row());
    case Qt::SizeHintRole:
        // Wider than the picture, so "Ankle boot" fits under it.
        return QSize(m_thumbnail + 36, m_thumbnail + 22);
    case Qt::ToolTipRole:
        return tr("Sample %1: %2").arg(index.row()).arg(labelText(index.row()));
    default:
        return {};
    }
}

QString SampleImageModel::labelText(int64_t row) const
{
    const Dataset& data = *m_dataset;
    if (data.task != TaskType::Classification)
        return QString();
    const int64_t label = data.labels[size_t(row)];
    return label >= 0 && label < int64_t(data.classNames.size()) ? QString::fromStdString(data.classNames[size_t(label)])
                                                                 : QString::number(label);
}

} // namespace lepton
