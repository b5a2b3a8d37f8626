#include "data/dataimportdialog.h"

#include "data/datapreview.h"
#include "data/datapreviewloader.h"
#include "data/datasetform.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace lepton {

DataImportDialog::DataImportDialog(const DatasetSpec& current, const QString& baseDir, QWidget* parent)
    : QDialog(parent)
    , m_dataset(current)
    , m_baseDir(baseDir)
    , m_path(new QLineEdit(this))
    , m_source(new QComboBox(this))
    , m_note(new QLabel(this))
    , m_form(new DatasetForm(true, this))
    , m_preview(new DataPreview(this))
    , m_loader(new DataPreviewLoader(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Import Data"));
    setObjectName(QStringLiteral("dataImportDialog"));
    for (const DataSourceSpec& source : DataSourceRegistry::builtin().specs())
        m_source->addItem(QString::fromStdString(source.displayName), QString::fromStdString(source.id));
    m_source->setObjectName(QStringLiteral("importSource"));
    connect(m_source, &QComboBox::activated, this, &DataImportDialog::chooseSource);
    m_note->setObjectName(QStringLiteral("detectionNote"));
    m_note->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Use This Data"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_form, &DatasetForm::edited, this,
            [this](const std::string&, const std::string& name, const nlohmann::json& value, int) {
                editParam(name, value);
            });
    connect(m_loader, &DataPreviewLoader::started, m_preview, &DataPreview::showLoading);
    connect(m_loader, &DataPreviewLoader::finished, m_preview, &DataPreview::showResult);

    auto* top = new QWidget;
    auto* form = new QFormLayout(top);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("File or folder:"), createPathRow());
    form->addRow(tr("Read as:"), m_source);
    form->addRow(QString(), m_note);
    form->addRow(m_form);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(top);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_buttons);
    resize(1000, 560);
    showDataset();
}

void DataImportDialog::setPath(const QString& path)
{
    m_path->setText(path);
    const auto found = DataSourceRegistry::builtin().detect(path.toStdString());
    if (found) {
        const DataSourceSpec* source = DataSourceRegistry::builtin().find(found->first);
        m_dataset.source = found->first;
        m_dataset.params = withDefaults(source->params, found->second);
        m_dataset.classNames.clear();
        m_note->setText(tr("Recognized as %1.").arg(QString::fromStdString(source->displayName)));
    } else {
        m_note->setText(tr("No data source recognizes this path: choose one under \"Read as\" and set its files."));
    }
    showDataset();
}

QString DataImportDialog::detectionNote() const
{
    return m_note->text();
}

QWidget* DataImportDialog::createPathRow()
{
    auto* row = new QWidget;
    m_path->setObjectName(QStringLiteral("importPath"));
    m_path->setPlaceholderText(tr("Choose a data file or folder"));
    connect(m_path, &QLineEdit::editingFinished, this, [this] {
        if (!m_path->text().trimmed().isEmpty())
            setPath(m_path->text().trimmed());
    });
    auto* file = new QPushButton(tr("File\u2026"), row);
    connect(file, &QPushButton::clicked, this, [this] { browse(false); });
    auto* folder = new QPushButton(tr("Folder\u2026"), row);
    connect(folder, &QPushButton::clicked, this, [this] { browse(true); });
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_path, 1);
    layout->addWidget(file);
    layout->addWidget(folder);
    return row;
}

void DataImportDialog::browse(bool folder)
{
    const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Choose a Data Folder"), m_baseDir)
                                : QFileDialog::getOpenFileName(this, tr("Choose a Data File"), m_baseDir);
    if (!path.isEmpty())
        setPath(path);
}

void DataImportDialog::chooseSource(int index)
{
    const std::string id = m_source->itemData(index).toString().toStdString();
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(id);
    if (!source || id == m_dataset.source)
        return;
    m_dataset.source = id;
    m_dataset.params = withDefaults(source->params, nlohmann::json::object());
    m_dataset.classNames.clear();
    m_note->clear();
    showDataset();
}

void DataImportDialog::editParam(const std::string& name, const nlohmann::json& value)
{
    m_dataset.params[name] = value;
    m_dataset.classNames.clear();
    showDataset();
}

void DataImportDialog::showDataset()
{
    m_source->setCurrentIndex(m_source->findData(QString::fromStdString(m_dataset.source)));
    m_form->setDataset(m_dataset, m_baseDir);
    const DatasetProblem problem = datasetProblem(m_dataset);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.empty());
    if (problem.empty())
        m_loader->request(m_dataset, m_baseDir);
    else
        m_preview->clear(QString::fromStdString(problem.path + ": " + problem.problem));
}

} // namespace lepton
