#include "data/augmentationpreview.h"

#include "data/sampleimagemodel.h"
#include "train/augmentationpreview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

constexpr int kCell = 64;

// The first sample of each class, in class order, then more samples if
// there are fewer classes than rows.
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

// A planar [C, H, W] image in [0, 1] as a picture (the same conversion the
// sample grid uses, through a one-sample dataset of bytes).
QImage picture(const Shape& shape, const std::vector<float>& values)
{
    auto one = std::make_shared<Dataset>();
    one->featureShape = shape;
    for (float value : values)
        one->featureBytes.push_back(uint8_t(std::lround(std::clamp(value, 0.0f, 1.0f) * 255.0f)));
    one->labels = {0};
    one->numClasses = 1;
    SampleImageModel model;
    model.setDataset(one);
    return model.image(0);
}

} // namespace

AugmentationPreview::AugmentationPreview(QWidget* parent)
    : QWidget(parent)
    , m_note(new QLabel(this))
    , m_view(new QTableView(this))
    , m_again(new QPushButton(tr("Draw Again"), this))
    , m_model(new QStandardItemModel(this))
{
    m_note->setWordWrap(true);
    m_again->setObjectName(QStringLiteral("drawAgain"));
    m_again->setToolTip(tr("Draw other random augmentations of the same samples"));
    m_view->setObjectName(QStringLiteral("augmentationGrid"));
    m_view->setModel(m_model);
    m_view->setIconSize(QSize(kCell, kCell));
    m_view->setShowGrid(false);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->horizontalHeader()->setDefaultSectionSize(kCell + 8);
    m_view->verticalHeader()->setDefaultSectionSize(kCell + 8);

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

QImage AugmentationPreview::image(int sample, int variant) const
{
    return m_images.at(size_t(sample * (kVariants + 1) + variant));
}

void AugmentationPreview::redraw()
{
    m_images.clear();
    m_model->clear();
    const bool active = m_data && m_settings.any();
    m_again->setEnabled(active);
    if (!active) {
        m_note->setText(m_data ? tr("No augmentation is set: training sees the images as they are.")
                               : QString());
        return;
    }
    m_note->setText(tr("Each sample, then %1 random variants as training sees them").arg(kVariants));
    QStringList columns{tr("sample")};
    for (int variant = 1; variant <= kVariants; ++variant)
        columns << QString::number(variant);
    m_model->setHorizontalHeaderLabels(columns);
    for (int64_t index : showcase(*m_data, kSamples)) {
        std::vector<float> sample;
        std::vector<std::vector<float>> variants;
        try {
            sample = m_data->sampleValues(index);
            variants = augmentedSamples(*m_data, index, m_settings, kVariants, m_seed);
        } catch (const std::exception& error) { // an image decoded per batch whose file went away
            m_note->setText(tr("Cannot show sample %1: %2").arg(index).arg(QString::fromUtf8(error.what())));
            return;
        }
        m_images.push_back(picture(m_data->featureShape, sample));
        for (const std::vector<float>& variant : variants)
            m_images.push_back(picture(m_data->featureShape, variant));
        QList<QStandardItem*> row;
        for (auto it = m_images.end() - (kVariants + 1); it != m_images.end(); ++it) {
            const bool small = it->width() < kCell && it->height() < kCell;
            auto* cell = new QStandardItem;
            cell->setData(QPixmap::fromImage(it->scaled(kCell, kCell, Qt::KeepAspectRatio,
                                                        small ? Qt::FastTransformation : Qt::SmoothTransformation)),
                          Qt::DecorationRole);
            row << cell;
        }
        m_model->appendRow(row);
        const int64_t label = m_data->labels.empty() ? -1 : m_data->labels[static_cast<size_t>(index)];
        const QString name = label >= 0 && label < int64_t(m_data->classNames.size())
            ? QString::fromStdString(m_data->classNames[size_t(label)])
            : QString::number(label);
        m_model->setVerticalHeaderItem(m_model->rowCount() - 1, new QStandardItem(name));
    }
}

} // namespace lepton
