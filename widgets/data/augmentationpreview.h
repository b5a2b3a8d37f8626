#pragma once

#include "data/datasetspec.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace lepton {

// What the augmentation settings do to training images: a few samples (one
// per class while classes last), one row each, the sample and then variants
// drawn by the engine's own augmentation code. "Draw Again" picks another
// seed.
class AugmentationPreview : public QWidget {
    Q_OBJECT

public:
    static constexpr int kSamples = 4;
    static constexpr int kVariants = 7;

    explicit AugmentationPreview(QWidget* parent = nullptr);

    // Null, or data that is not images, shows nothing.
    void setData(std::shared_ptr<const Dataset> data);
    void setSettings(const AugmentationSettings& settings);
    // Rows shown (samples), and the image in row `sample`, column
    // `variant` (0: the sample as it is).
    int rows() const { return int(m_images.size()) / (kVariants + 1); }
    QImage image(int sample, int variant) const;

private:
    void redraw();

    std::shared_ptr<const Dataset> m_data;
    AugmentationSettings m_settings;
    uint64_t m_seed = 1;
    std::vector<QImage> m_images;
    QLabel* m_note;
    QTableView* m_view;
    QPushButton* m_again;
    QStandardItemModel* m_model;
};

} // namespace lepton
