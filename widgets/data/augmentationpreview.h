#pragma once

#include "data/datasetspec.h"

#include <QWidget>

#include <memory>

class QLabel;
class QListView;
class QPushButton;

namespace lepton {

class SampleImageModel;

// What the augmentation settings do to training images: a few samples (one
// per class while classes last), each followed by variants drawn by the
// engine's own augmentation code. "Draw Again" picks another seed.
class AugmentationPreview : public QWidget {
    Q_OBJECT

public:
    static constexpr int kSamples = 4;
    static constexpr int kVariants = 7;

    explicit AugmentationPreview(QWidget* parent = nullptr);

    // Null, or data that is not images, shows nothing.
    void setData(std::shared_ptr<const Dataset> data);
    void setSettings(const AugmentationSettings& settings);
    SampleImageModel* model() const { return m_model; }

private:
    void redraw();

    std::shared_ptr<const Dataset> m_data;
    AugmentationSettings m_settings;
    uint64_t m_seed = 1;
    QLabel* m_note;
    QListView* m_view;
    QPushButton* m_again;
    SampleImageModel* m_model;
};

} // namespace lepton
