#include "data/augmentationpreview.h"

#include "data/sampleimagemodel.h"
#include "train/augmentationpreview.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

// The first sample of each class, in class order, then more samples if
// there are fewer classes than places.
std::vector<int64_t> showcase(const Dataset& data, int count)
{
    std::vector<int64_t> chosen;
    for (int64_t label = 0; label < data.numClasses && int(chosen.size()) < count; ++label) {
        const auto it = std::find(data.labels.begin(), data.labels.end(), label);
        if (it != data.labels.end())
            chosen.push_back(it - data.labels.begin());
    }
    for (int64_t i = 0; i < data.size() && int(chosen.size()) < count; ++i) {
        if (std::find(chosen.begin(), chosen.end(), i) == chosen.end())
            chosen.push_back(i);
    }
    return chosen;
}

void appendBytes(Dataset& sheet, const std::vector<float>& image)
{
    for (float value : image)
        sheet.featureBytes.push_back(uint8_t(std::lround(std::clamp(value, 0.0f, 1.0f) * 255.0f)));
}

} // namespace

AugmentationPreview::AugmentationPreview(QWidget* parent)
    : QWidget(parent)
    , m_note(new QLabel(this))
    , m_view(new QListView(this))
    , m_again(new QPushButton(tr("Draw Again"), this))
    , m_model(new SampleImageModel(this))
{
    m_note->setWordWrap(true);
    m_again->setObjectName(QStringLiteral("drawAgain"));
    m_again->setToolTip(tr("Draw other random augmentations of the same samples"));
    m_view->setObjectName(QStringLiteral("augmentationGrid"));
    m_view->setModel(m_model);
    m_view->setViewMode(QListView::IconMode);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setUniformItemSizes(true);
    m_model->setThumbnailSize(64);
    m_view->setIconSize(QSize(64, 64));
    m_view->setGridSize(QSize(80, 86));

    auto* header = new QHBoxLayout;
    header->addWidget(m_note, 1);
    header->addWidget(m_again);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
    connect(m_again, &QPushButton::clicked, this, [this] {
        ++m_seed;
        redraw();
    });
}

void AugmentationPreview::setData(std::shared_ptr<const Dataset> data)
{
    m_data = data && SampleImageModel::isImageData(*data) ? std::move(data) : nullptr;
    redraw();
}

void AugmentationPreview::setSettings(const AugmentationSettings& settings)
{
    m_settings = settings;
    redraw();
}

void AugmentationPreview::redraw()
{
    const bool active = m_data && m_settings.any();
    m_again->setEnabled(active);
    if (!active) {
        m_note->setText(m_data ? tr("No augmentation is set: training sees the images as they are.")
                               : QString());
        m_model->setDataset(nullptr);
        return;
    }
    m_note->setText(tr("Each sample, then %1 random variants as training sees them").arg(kVariants));
    // One sheet of images: every sample followed by its variants.
    auto sheet = std::make_shared<Dataset>();
    sheet->featureShape = m_data->featureShape;
    sheet->classNames = m_data->classNames;
    sheet->numClasses = m_data->numClasses;
    const int64_t perSample = m_data->featuresPerSample();
    for (int64_t index : showcase(*m_data, kSamples)) {
        std::vector<float> original(static_cast<size_t>(perSample));
        for (int64_t i = 0; i < perSample; ++i)
            original[static_cast<size_t>(i)] = m_data->feature(index * perSample + i);
        appendBytes(*sheet, original);
        for (const std::vector<float>& variant : augmentedSamples(*m_data, index, m_settings, kVariants, m_seed))
            appendBytes(*sheet, variant);
        const int64_t label = m_data->labels.empty() ? 0 : m_data->labels[static_cast<size_t>(index)];
        sheet->labels.insert(sheet->labels.end(), kVariants + 1, label);
    }
    m_model->setDataset(std::move(sheet));
}

} // namespace lepton
