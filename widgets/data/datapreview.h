#pragma once

#include "data/datapreviewloader.h"

#include <QWidget>

class QLabel;
class QListView;
class QTabWidget;
class QTableView;

namespace lepton {

class AugmentationPreview;
class ClassHistogram;
class ColumnStatsModel;
class QualityReport;
class SampleImageModel;
class SampleTableModel;

// What loaded data looks like before training: a summary line, the samples
// as a table (and as an image grid for image data), column statistics, the
// class histogram and the quality report. Shows a DataPreviewLoader result;
// loads nothing itself.
class DataPreview : public QWidget {
    Q_OBJECT

public:
    explicit DataPreview(QWidget* parent = nullptr);

    void showLoading();
    void showResult(const DataPreviewResult& result);
    // Nothing to show, and why ("the data files are missing").
    void clear(const QString& reason);
    // The project's augmentation, shown on its tab for image data.
    void setAugmentation(const AugmentationSettings& settings);

    QString summary() const;
    QString error() const;
    // The training data shown; nullptr when none loaded.
    const Dataset* dataset() const;
    SampleTableModel* tableModel() const { return m_tableModel; }
    SampleImageModel* imageModel() const { return m_imageModel; }
    ColumnStatsModel* statsModel() const { return m_statsModel; }
    ClassHistogram* histogram() const { return m_histogram; }
    QualityReport* qualityReport() const { return m_quality; }
    AugmentationPreview* augmentationPreview() const { return m_augmentation; }

Q_SIGNALS:
    void fixRequested(const lepton::QualityIssue& issue);

private:
    void setTabsEnabled(bool images, bool classes);

    QLabel* m_summary;
    QLabel* m_error;
    QTabWidget* m_tabs;
    QTableView* m_table;
    QListView* m_grid;
    QTableView* m_stats;
    SampleTableModel* m_tableModel;
    SampleImageModel* m_imageModel;
    ColumnStatsModel* m_statsModel;
    ClassHistogram* m_histogram;
    QualityReport* m_quality;
    AugmentationPreview* m_augmentation;
    DataPreviewResult m_result;
};

} // namespace lepton
