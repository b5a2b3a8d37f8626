#pragma once

#include "data/datasetspec.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace lepton {

class DataPreview;
class DataPreviewLoader;
class DatasetForm;

// Brings a data file or folder into the project: the source that reads it
// is found by DataSourceRegistry::detect, its params can be adjusted, and a
// live preview shows how it will be read. The project's split,
// preprocessing and augmentation carry over; whoever opened the dialog
// takes dataset() when it is accepted.
class DataImportDialog : public QDialog {
    Q_OBJECT

public:
    DataImportDialog(const DatasetSpec& current, const QString& baseDir, QWidget* parent = nullptr);

    const DatasetSpec& dataset() const { return m_dataset; }
    // Reads `path` with the source that recognizes it, or says none does.
    void setPath(const QString& path);
    DataPreview* preview() const { return m_preview; }
    QString detectionNote() const;

private:
    QWidget* createPathRow();
    void browse(bool folder);
    void chooseSource(int index);
    void editParam(const std::string& name, const nlohmann::json& value);
    // Shows m_dataset in the form and asks for its preview.
    void showDataset();

    DatasetSpec m_dataset;
    QString m_baseDir;
    QLineEdit* m_path;
    QComboBox* m_source;
    QLabel* m_note;
    DatasetForm* m_form;
    DataPreview* m_preview;
    DataPreviewLoader* m_loader;
    QDialogButtonBox* m_buttons;
};

} // namespace lepton
