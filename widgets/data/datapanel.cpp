#include "data/datapanel.h"

#include "commands/setparamcommand.h"
#include "data/dataimportdialog.h"
#include "data/datapreview.h"
#include "data/datasetform.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "parameditor.h"

#include <QComboBox>
#include <QFrame>
#include <QUndoStack>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace lepton {

namespace {

nlohmann::json& group(DatasetSpec& dataset, const std::string& name)
{
    if (name == "split")
        return dataset.split;
    if (name == "preprocessing")
        return dataset.preprocessing;
    if (name == "augmentation")
        return dataset.augmentation;
    return dataset.params;
}

} // namespace

DataPanel::DataPanel(GraphDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_loader(new DataPreviewLoader(this))
    , m_bannerBox(new QFrame(this))
    , m_banner(new QLabel(m_bannerBox))
    , m_fitNetwork(new QPushButton(tr("Fit the Network to the Data"), m_bannerBox))
    , m_message(new QLabel(this))
    , m_form(new DatasetForm(false))
    , m_preview(new DataPreview)
    , m_splitter(new QSplitter(this))
{
    m_bannerBox->setObjectName(QStringLiteral("dataBannerBox"));
    m_bannerBox->setStyleSheet(QStringLiteral("#dataBannerBox { background: #fce8e6;"
                                              " border: 1px solid #f4c7c3; border-radius: 3px; }"));
    m_banner->setObjectName(QStringLiteral("dataBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral("color: #a50e0e;"));
    m_fitNetwork->setObjectName(QStringLiteral("fitNetworkButton"));
    m_fitNetwork->setToolTip(tr("Set the Input layer's shape and the last Linear layer's size from"
                                " the data, as one undo step"));
    auto* bannerLayout = new QHBoxLayout(m_bannerBox);
    bannerLayout->setContentsMargins(6, 4, 6, 4);
    bannerLayout->addWidget(m_banner, 1);
    bannerLayout->addWidget(m_fitNetwork, 0, Qt::AlignTop);
    connect(m_fitNetwork, &QPushButton::clicked, this, &DataPanel::fitNetworkToData);
    m_message->setObjectName(QStringLiteral("dataMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #c5221f;"));
    m_message->hide();

    auto* settings = new QWidget;
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->setContentsMargins(0, 0, 4, 0);
    settingsLayout->addWidget(createHeader());
    settingsLayout->addWidget(m_message);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    settingsLayout->addWidget(scroll, 1);

    m_splitter->setObjectName(QStringLiteral("dataSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(settings);
    m_splitter->addWidget(m_preview);
    m_splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_bannerBox);
    layout->addWidget(m_splitter, 1);

    connect(document, &GraphDocument::datasetChanged, this, &DataPanel::refresh);
    connect(document, &GraphDocument::projectReplaced, this, &DataPanel::refresh);
    connect(document, &GraphDocument::filePathChanged, this, &DataPanel::refresh);
    connect(document, &GraphDocument::shapesChanged, this, &DataPanel::updateBanner);
    connect(m_form, &DatasetForm::edited, this, &DataPanel::editParam);
    connect(m_form, &DatasetForm::rejected, this, &DataPanel::showMessage);
    connect(m_loader, &DataPreviewLoader::started, m_preview, &DataPreview::showLoading);
    connect(m_loader, &DataPreviewLoader::finished, this, &DataPanel::showPreview);
    connect(m_preview, &DataPreview::fixRequested, this, &DataPanel::applyFix);
    refresh();
}

QString DataPanel::bannerText() const
{
    return m_bannerBox->isHidden() ? QString() : m_banner->text();
}

QString DataPanel::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void DataPanel::importData()
{
    auto* dialog = new DataImportDialog(m_document->project().dataset, m_document->baseDir(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { commit(dialog->dataset(), tr("Import data")); });
    dialog->open();
}

void DataPanel::applyFix(const QualityIssue& issue)
{
    if (!issue.fix.is_object())
        return;
    DatasetSpec next = m_document->project().dataset;
    for (const auto& [name, value] : issue.fix.items())
        next.params[name] = value;
    const QString what = issue.fixLabel.empty() ? tr("Fix the data") : QString::fromStdString(issue.fixLabel);
    commit(next, what);
}

void DataPanel::reload()
{
    refresh();
    m_loader->reload();
}

void DataPanel::resizeEvent(QResizeEvent* event)
{
    // Side by side in a wide dock (below the canvas), stacked in a tall one;
    // the settings get room for a path, the preview the rest.
    const QSize size = event->size();
    const Qt::Orientation orientation = size.width() > size.height() * 1.2 ? Qt::Horizontal : Qt::Vertical;
    if (orientation != m_splitter->orientation() || !m_sized) {
        m_splitter->setOrientation(orientation);
        const int whole = orientation == Qt::Horizontal ? size.width() : size.height();
        const int settings = orientation == Qt::Horizontal ? std::min(360, whole / 2) : whole / 2;
        m_splitter->setSizes({settings, whole - settings});
        m_sized = true;
    }
    QWidget::resizeEvent(event);
}

QWidget* DataPanel::createHeader()
{
    auto* header = new QWidget;
    m_source = new QComboBox(header);
    m_source->setObjectName(QStringLiteral("dataSource"));
    for (const DataSourceSpec& source : DataSourceRegistry::builtin().specs()) {
        m_source->addItem(QString::fromStdString(source.displayName), QString::fromStdString(source.id));
        m_source->setItemData(m_source->count() - 1, QString::fromStdString(source.description), Qt::ToolTipRole);
    }
    connect(m_source, &QComboBox::activated, this, &DataPanel::changeSource);
    m_import = new QPushButton(tr("Import Data\u2026"), header);
    m_import->setObjectName(QStringLiteral("importData"));
    m_import->setToolTip(tr("Read a data file or folder into the project"));
    connect(m_import, &QPushButton::clicked, this, &DataPanel::importData);
    auto* reload = new QToolButton(header);
    reload->setObjectName(QStringLiteral("reloadData"));
    reload->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    reload->setToolTip(tr("Read the data files again"));
    connect(reload, &QToolButton::clicked, this, &DataPanel::reload);

    auto* layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_source, 1);
    layout->addWidget(reload);
    layout->addWidget(m_import);
    return header;
}

void DataPanel::refresh()
{
    const DatasetSpec& dataset = m_document->project().dataset;
    const QString baseDir = m_document->baseDir();
    {
        const QSignalBlocker blocker(m_source);
        m_source->setCurrentIndex(m_source->findData(QString::fromStdString(dataset.source)));
    }
    m_form->setDataset(dataset, baseDir);
    m_preview->setAugmentation(augmentationSettings(dataset));
    m_missing.clear();
    for (const std::string& missing : missingDataFiles(dataset, baseDir.toStdString()))
        m_missing << QString::fromStdString(missing);
    const DatasetProblem problem = datasetProblem(dataset);
    if (!m_missing.isEmpty() || !problem.empty()) {
        m_loader->cancel();
        m_preview->clear(m_missing.isEmpty() ? QString::fromStdString(problem.path + ": " + problem.problem)
                                             : tr("No preview: data files are missing or unreadable"));
    } else {
        m_loader->request(dataset, baseDir);
    }
    updateBanner();
}

void DataPanel::changeSource(int index)
{
    const std::string id = m_source->itemData(index).toString().toStdString();
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(id);
    DatasetSpec next = m_document->project().dataset;
    if (!source || id == next.source)
        return;
    next.source = id;
    next.params = withDefaults(source->params, nlohmann::json::object());
    next.classNames.clear(); // they named the old data's classes
    commit(next, tr("Change data source"));
}

void DataPanel::editParam(const std::string& groupName, const std::string& name,
                          const nlohmann::json& value, int session)
{
    DatasetSpec next = m_document->project().dataset;
    group(next, groupName)[name] = value;
    const std::string path = groupName + "." + name;
    const QString what = tr("Set %1").arg(QString::fromStdString(groupName == "params" ? name : path));
    if (!commit(next, what, session)) {
        if (ParamEditor* editor = m_form->editor(path))
            editor->setProblem(message());
    }
}

bool DataPanel::commit(const DatasetSpec& dataset, const QString& what, int session)
{
    const QString problem = m_document->setDataset(dataset, what, session);
    showMessage(problem);
    return problem.isEmpty();
}

void DataPanel::showPreview(const DataPreviewResult& result)
{
    m_preview->showResult(result);
    // The document marks Inputs and Outputs that do not fit on the canvas;
    // its shapesChanged() then updates the banner.
    m_document->setDataInterface(result.interface);
    updateBanner();
    Q_EMIT previewShown();
}

void DataPanel::updateBanner()
{
    QStringList lines;
    for (const QString& missing : m_missing)
        lines << tr("Cannot read a data file: %1").arg(missing);
    for (const std::string& mismatch : m_document->dataMismatches())
        lines << QString::fromStdString(mismatch);
    m_banner->setText(lines.join(QLatin1Char('\n')));
    m_bannerBox->setVisible(!lines.isEmpty());
    m_fitNetwork->setVisible(!m_document->dataMismatches().empty());
}

void DataPanel::fitNetworkToData()
{
    const std::optional<DataInterface>& data = m_document->dataInterface();
    if (!data)
        return;
    Graph fitted = m_document->graph();
    const std::vector<std::string> problems = lepton::fitNetworkToData(fitted, *data, m_document->registry());
    if (!problems.empty()) {
        showMessage(QString::fromStdString(problems.front()));
        return;
    }
    // Every changed param is one command; together one undo step, one inference.
    GraphDocument::ShapeBatch batch(m_document);
    QUndoStack* undo = m_document->undoStack();
    undo->beginMacro(tr("Fit the network to the data"));
    for (const Node& node : fitted.nodes()) {
        const Node* before = m_document->graph().node(node.id);
        for (const auto& [name, value] : node.params.items()) {
            if (m_document->registry().paramValue(*before, name) != value)
                undo->push(new SetParamCommand(m_document, node.id, name, value));
        }
    }
    undo->endMacro();
}

void DataPanel::showMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

} // namespace lepton
