#pragma once

#include "data/dataset.h"

#include <QAbstractListModel>
#include <QCache>
#include <QImage>

#include <memory>

namespace lepton {

// The samples of image data ([C, H, W] with 1 or 3 channels) as thumbnails
// captioned with their label, for a QListView in icon mode. Each thumbnail
// is drawn from the features when the view first asks for it (for a lazy
// dataset, decoded from its file) and kept for repaints.
class SampleImageModel : public QAbstractListModel {
    Q_OBJECT

public:
    // A preview, not a browser: the grid shows the first samples only.
    static constexpr int kMaxImages = 2000;

    explicit SampleImageModel(QObject* parent = nullptr);

    // Whether `dataset` holds images this model can draw.
    static bool isImageData(const Dataset& dataset);
    // Null, or data that is not images, shows nothing.
    void setDataset(std::shared_ptr<const Dataset> dataset);
    void setThumbnailSize(int pixels);
    // Sample `row` at its own size: bytes as they are, floats stretched
    // from their own range to black..white.
    QImage image(int64_t row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

private:
    QString labelText(int64_t row) const;
    QImage thumbnail(int row) const;

    std::shared_ptr<const Dataset> m_dataset;
    int m_thumbnail = 56;
    mutable QCache<int, QImage> m_thumbnails{kMaxImages};
};

} // namespace lepton
