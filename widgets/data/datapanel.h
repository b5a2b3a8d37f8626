#pragma once

#include "data/datapreviewloader.h"

#include <QStringList>
#include <QWidget>

class QComboBox;
class QFrame;
class QLabel;
class QPushButton;
class QSplitter;

namespace lepton {

class DataPreview;
class DatasetForm;
class GraphDocument;

// The project's data, in a dock: the source and its params, split,
// preprocessing and augmentation as generated editors, and a preview of the
// data that reloads on its own (off the GUI thread) a moment after an edit.
// Every edit is an undo step through the document; a value the dataset
// rules refuse is shown beside its field and never saved. A red banner
// names what would stop a run: data files that are missing, or data whose
// shape the network's Input does not take.
class DataPanel : public QWidget {
    Q_OBJECT

public:
    explicit DataPanel(GraphDocument* document, QWidget* parent = nullptr);

    DatasetForm* form() const { return m_form; }
    DataPreview* preview() const { return m_preview; }
    DataPreviewLoader* loader() const { return m_loader; }
    QComboBox* sourceCombo() const { return m_source; }
    // The data files the project names that cannot be read, as
    // missingDataFiles words them; checked whenever the dataset changes.
    const QStringList& missingFiles() const { return m_missing; }
    QString bannerText() const;
    // Why the last edit was refused; empty after one that was taken.
    QString message() const;

public Q_SLOTS:
    // Asks for a file or folder, shows how it reads, and on OK makes it the
    // project's data (one undo step).
    void importData();
    // Merges the issue's fix into the source's params, as one undo step.
    void applyFix(const lepton::QualityIssue& issue);
    // Reads the data files again (they changed on disk).
    void reload();
    // Sets the Input layer's shape and dtype, an Embedding's vocabulary and
    // the last Linear layer's size from the loaded data, as one undo step.
    void fitNetworkToData();

Q_SIGNALS:
    // A preview load ended and its result (or error) is shown.
    void previewShown();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QWidget* createHeader();
    void refresh();
    void changeSource(int index);
    void editParam(const std::string& group, const std::string& name, const nlohmann::json& value,
                   int session);
    // Hands `dataset` to the document; false (and the reason shown) when refused.
    bool commit(const DatasetSpec& dataset, const QString& what, int session = 0);
    void showPreview(const DataPreviewResult& result);
    void updateBanner();
    void showMessage(const QString& message);

    GraphDocument* m_document;
    DataPreviewLoader* m_loader;
    QFrame* m_bannerBox;
    QLabel* m_banner;
    QPushButton* m_fitNetwork;
    QComboBox* m_source;
    QPushButton* m_import;
    QLabel* m_message;
    DatasetForm* m_form;
    DataPreview* m_preview;
    QSplitter* m_splitter;
    QStringList m_missing;
    bool m_sized = false; // the splitter got its first sizes
};

} // namespace lepton
