#include "data/datapreview.h"

#include "data/augmentationpreview.h"
#include "data/classhistogram.h"
#include "data/columnstatsmodel.h"
#include "data/qualityreport.h"
#include "data/sampleimagemodel.h"
#include "data/sampletablemodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace lepton {

namespace {

enum Tab { ImagesTab, TableTab, ColumnsTab, ClassesTab, QualityTab, AugmentationTab };

constexpr int kThumbnail = 56; // 28-pixel images at twice their size

QString count(int64_t n)
{
    return QLocale().toString(qlonglong(n));
}

// "60,000 samples + 10,000 test · [1, 28, 28] · 10 classes"
QString summaryOf(const DatasetSplits& splits)
{
    const Dataset& train = splits.train;
    QString text = QObject::tr("%1 samples").arg(count(train.size()));
    if (splits.test)
        text += QObject::tr(" + %1 test").arg(count(splits.test->size()));
    text += QStringLiteral(" · ") + QString::fromStdString(shapeToString(train.featureShape));
    if (train.featureDType == DType::Int64)
        text += QObject::tr(" token ids");
    if (train.task == TaskType::Classification)
        text += QObject::tr(" · %1 classes · classification").arg(train.numClasses);
    else
        text += QObject::tr(" · regression onto %1").arg(QString::fromStdString(shapeToString(train.targetShape)));
    return text;
}

QTableView* tableView(QAbstractItemModel* model, const QString& name, QWidget* parent)
{
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    // Fixed widths: measuring a million rows to fit them would stall.
    view->horizontalHeader()->setDefaultSectionSize(72);
    return view;
}

} // namespace

DataPreview::DataPreview(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_error(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_tableModel(new SampleTableModel(this))
    , m_imageModel(new SampleImageModel(this))
    , m_statsModel(new ColumnStatsModel(this))
    , m_histogram(new ClassHistogram(this))
    , m_quality(new QualityReport(this))
    , m_augmentation(new AugmentationPreview(this))
{
    m_summary->setObjectName(QStringLiteral("previewSummary"));
    m_summary->setWordWrap(true);
    m_error->setObjectName(QStringLiteral("previewError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c5221f;"));
    m_error->hide();

    m_grid = new QListView(this);
    m_grid->setObjectName(QStringLiteral("imageGrid"));
    m_grid->setModel(m_imageModel);
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setUniformItemSizes(true);
    m_grid->setLayoutMode(QListView::Batched);
    m_imageModel->setThumbnailSize(kThumbnail);
    m_grid->setIconSize(QSize(kThumbnail, kThumbnail));
    m_grid->setGridSize(QSize(96, 86));
    m_grid->setSpacing(2);
    m_table = tableView(m_tableModel, QStringLiteral("sampleTable"), this);
    m_stats = tableView(m_statsModel, QStringLiteral("columnStats"), this);
    m_stats->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_stats->verticalHeader()->hide();

    m_tabs->setObjectName(QStringLiteral("previewTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->insertTab(ImagesTab, m_grid, tr("Images"));
    m_tabs->insertTab(TableTab, m_table, tr("Table"));
    m_tabs->insertTab(ColumnsTab, m_stats, tr("Columns"));
    m_tabs->insertTab(ClassesTab, m_histogram, tr("Classes"));
    m_tabs->insertTab(QualityTab, m_quality, tr("Quality"));
    m_tabs->insertTab(AugmentationTab, m_augmentation, tr("Augmentation"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_error);
    layout->addWidget(m_tabs, 1);
    connect(m_quality, &QualityReport::fixRequested, this, &DataPreview::fixRequested);
    clear(QString());
}

void DataPreview::showLoading()
{
    m_summary->setText(tr("Loading the data\u2026"));
    m_error->hide();
}

void DataPreview::showResult(const DataPreviewResult& result)
{
    m_result = result;
    if (!result.splits) {
        clear(tr("No preview"));
        m_error->setText(result.error);
        m_error->setVisible(!result.error.isEmpty());
        return;
    }
    // The models share the loaded data: it lives until the last of them lets go.
    const std::shared_ptr<const Dataset> train(result.splits, &result.splits->train);
    m_summary->setText(summaryOf(*result.splits));
    m_error->hide();
    m_tableModel->setDataset(train);
    m_imageModel->setDataset(train);
    m_augmentation->setData(train);
    m_statsModel->setColumns(result.profile.columns);
    m_histogram->setCounts(result.profile.classNames, result.profile.classCounts);
    m_quality->setIssues(result.profile.issues);
    const bool hadImages = m_tabs->isTabVisible(ImagesTab);
    const bool images = m_imageModel->rowCount() > 0;
    setTabsEnabled(images, !result.profile.classCounts.empty());
    if (images && !hadImages)
        m_tabs->setCurrentIndex(ImagesTab);
    m_tabs->setTabText(QualityTab, result.profile.issues.empty()
                                       ? tr("Quality")
                                       : tr("Quality (%1)").arg(result.profile.issues.size()));
}

void DataPreview::clear(const QString& reason)
{
    m_result = DataPreviewResult();
    m_summary->setText(reason);
    m_error->hide();
    m_tableModel->setDataset(nullptr);
    m_imageModel->setDataset(nullptr);
    m_augmentation->setData(nullptr);
    m_statsModel->setColumns({});
    m_histogram->setCounts({}, {});
    m_quality->setIssues({});
    m_tabs->setTabText(QualityTab, tr("Quality"));
    setTabsEnabled(false, false);
}

void DataPreview::setAugmentation(const AugmentationSettings& settings)
{
    m_augmentation->setSettings(settings);
}

QString DataPreview::summary() const
{
    return m_summary->text();
}

QString DataPreview::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

const Dataset* DataPreview::dataset() const
{
    return m_result.splits ? &m_result.splits->train : nullptr;
}

void DataPreview::setTabsEnabled(bool images, bool classes)
{
    m_tabs->setTabVisible(ImagesTab, images);
    m_tabs->setTabVisible(AugmentationTab, images);
    m_tabs->setTabVisible(ClassesTab, classes);
    if (!m_tabs->isTabVisible(m_tabs->currentIndex()))
        m_tabs->setCurrentIndex(TableTab);
}

} // namespace lepton
