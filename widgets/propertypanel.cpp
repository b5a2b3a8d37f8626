#include "propertypanel.h"

#include "commands/renamenodecommand.h"
#include "commands/setparamcommand.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "layerstyle.h"
#include "parameditor.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QUndoStack>
#include <QVBoxLayout>

namespace lepton {

namespace {

QString html(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

QString datasetText(const DatasetSpec& dataset)
{
    const SplitSettings split = splitSettings(dataset);
    QString text = html(datasetSummary(dataset));
    text += QObject::tr("<br>%1% validation").arg(split.validation * 100.0);
    if (split.test > 0.0)
        text += QObject::tr(" · %1% test").arg(split.test * 100.0);
    if (!dataset.classNames.empty())
        text += QObject::tr("<br>%1 named classes").arg(dataset.classNames.size());
    return text;
}

QString trainingText(const TrainingConfig& config)
{
    const QString optimizer = QString::fromStdString(toString(config.optimizer));
    const QString loss = QString::fromStdString(toString(config.loss));
    return QObject::tr("%1 · learning rate %2 · batch %3 · %4 epochs<br>%5 loss · %6")
        .arg(optimizer)
        .arg(config.learningRate)
        .arg(config.batchSize)
        .arg(config.epochs)
        .arg(loss)
        .arg(html(config.device));
}

} // namespace

PropertyPanel::PropertyPanel(GraphDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_pages(new QStackedWidget(this))
    , m_overview(new QLabel)
{
    m_overview->setObjectName(QStringLiteral("projectOverview"));
    m_overview->setWordWrap(true);
    m_overview->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_overview->setTextFormat(Qt::RichText);
    m_overview->setContentsMargins(10, 10, 10, 10);
    m_pages->addWidget(m_overview);
    m_pages->addWidget(createNodePage());

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    connect(document, &GraphDocument::shapesChanged, this, &PropertyPanel::refresh);
    connect(document, &GraphDocument::projectReplaced, this, [this] { setNode(0); });
    connect(document, &GraphDocument::nodeRemoved, this, [this](NodeId id) {
        if (id == m_nodeId)
            setNode(0);
    });
    setNode(0);
}

ParamEditor* PropertyPanel::editor(const std::string& param) const
{
    return findEditor(m_editors, param);
}

QString PropertyPanel::message() const
{
    return m_message->text();
}

void PropertyPanel::setNode(NodeId id)
{
    m_nodeId = m_document->graph().node(id) ? id : 0;
    showMessage(QString());
    m_pages->setCurrentIndex(m_nodeId ? 1 : 0);
    refresh();
}

void PropertyPanel::editName()
{
    m_name->setFocus(Qt::OtherFocusReason);
    m_name->selectAll();
}

QWidget* PropertyPanel::createNodePage()
{
    auto* page = new QWidget;
    m_title = new QLabel(page);
    m_title->setTextFormat(Qt::RichText);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_description = new QLabel(page);
    m_description->setWordWrap(true);
    m_description->setStyleSheet(QStringLiteral("color: #5f6b7a;"));

    m_name = new QLineEdit(page);
    m_name->setObjectName(QStringLiteral("nodeName"));
    m_type = new QLabel(page);
    m_shape = new QLabel(page);
    m_shape->setObjectName(QStringLiteral("nodeShape"));
    m_shape->setWordWrap(true);
    m_shape->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_shape->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_parameters = new QLabel(page);
    m_parameters->setObjectName(QStringLiteral("nodeSize"));
    m_parameters->setWordWrap(true);
    m_message = new QLabel(page);
    m_message->setObjectName(QStringLiteral("panelMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #d93025;"));

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Type"), m_type);
    form->addRow(tr("Output"), m_shape);
    form->addRow(tr("Size"), m_parameters);

    m_paramBox = new QGroupBox(tr("Parameters"), page);
    m_paramForm = new QFormLayout(m_paramBox);
    m_paramForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(m_title);
    layout->addWidget(m_description);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(m_paramBox);
    layout->addStretch(1);

    connect(m_name, &QLineEdit::editingFinished, this, &PropertyPanel::commitName);

    auto* scroll = new QScrollArea;
    scroll->setWidget(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

void PropertyPanel::rebuildEditors(const std::string& type)
{
    while (m_paramForm->rowCount() > 0)
        m_paramForm->removeRow(0);
    m_editors.clear();
    m_editorsType = type;
    const LayerSpec* spec = m_document->registry().find(type);
    if (!spec) {
        m_paramBox->hide();
        return;
    }
    for (const ParamSpec& param : spec->params) {
        auto* editor = new ParamEditor(param, m_paramBox);
        auto* label = new QLabel(QString::fromStdString(param.name), m_paramBox);
        label->setToolTip(QString::fromStdString(param.help));
        m_paramForm->addRow(label, editor);
        m_editors.push_back(editor);
        const std::string name = param.name;
        connect(editor, &ParamEditor::edited, this, [this, name](const nlohmann::json& value, int session) {
            commitParam(name, value, session);
        });
        connect(editor, &ParamEditor::rejected, this, &PropertyPanel::showMessage);
    }
    m_paramBox->setVisible(!spec->params.empty());
}

void PropertyPanel::refresh()
{
    if (m_nodeId == 0) {
        refreshOverview();
        return;
    }
    const Node* node = m_document->graph().node(m_nodeId);
    if (!node) {
        setNode(0);
        return;
    }
    const LayerRegistry& registry = m_document->registry();
    const LayerSpec* spec = registry.find(node->type);
    if (node->type != m_editorsType)
        rebuildEditors(node->type);

    const QString category = spec ? QString::fromStdString(spec->category) : QString();
    m_title->setText(QStringLiteral("<span style='color:%1'>&#9632;</span> %2")
                         .arg(categoryColor(spec ? spec->category : std::string()).name(),
                              html(describeNode(*node))));
    m_description->setText(spec ? QString::fromStdString(spec->description) : QString());
    {
        const QSignalBlocker blocker(m_name);
        m_name->setText(QString::fromStdString(node->name));
    }
    m_type->setText(spec ? QStringLiteral("%1 · %2").arg(QString::fromStdString(spec->displayName), category)
                         : QString::fromStdString(node->type));

    const NodeShapes* shapes = m_document->nodeShapes(m_nodeId);
    if (shapes && !shapes->error.empty()) {
        // An open input is work in progress, not a mistake.
        const bool open = shapes->status == NodeStatus::NotConnected;
        m_shape->setText((open ? tr("Not connected: ") : QString())
                         + QString::fromStdString(shapes->error));
        m_shape->setStyleSheet(open ? QStringLiteral("color: #8a5a00;")
                                    : QStringLiteral("color: #d93025;"));
    } else {
        QString text = tr("unknown");
        if (shapes && !shapes->outputs.empty())
            text = shapeListText(shapes->outputs);
        else if (shapes && registry.outputCount(*node) == 0 && !shapes->inputs.empty()
                 && !shapes->inputs.front().shape.empty())
            text = shapeListText(shapes->inputs); // a sink shows what reaches it
        m_shape->setText(text);
        m_shape->setStyleSheet(QString());
    }

    QString work = QStringLiteral("\u2014");
    if (shapes && shapes->resolved())
        work = tr("%1 parameters, %2 multiply-adds per sample")
                   .arg(QLocale().toString(qlonglong(shapes->parameters)),
                        QLocale().toString(qlonglong(shapes->macs)));
    m_parameters->setText(work);

    for (ParamEditor* editor : m_editors) {
        const QSignalBlocker blocker(editor);
        const std::string& name = editor->spec().name;
        editor->setValue(registry.paramValue(*node, name));
        editor->setResolvedValue(shapes && shapes->resolved() ? shapes->params.value(name, nlohmann::json())
                                                              : nlohmann::json());
    }
}

void PropertyPanel::refreshOverview()
{
    const Project& project = m_document->project();
    QString text = QStringLiteral("<h3>%1</h3>").arg(html(project.name.empty() ? std::string("Untitled") : project.name));
    text += tr("<p><b>Dataset</b><br>%1</p>").arg(datasetText(project.dataset));
    text += tr("<p><b>Training</b><br>%1</p>").arg(trainingText(project.training));

    const ShapeReport& shapes = m_document->shapes();
    QString model = tr("%1 layers, %2 connections")
                        .arg(project.graph.nodes().size())
                        .arg(project.graph.edges().size());
    if (!shapes.ok()) {
        model += tr("<br><span style='color:#d93025'>%1</span>").arg(html(shapes.errors.front()));
    } else if (const ModelSummary* summary = m_document->modelSummary()) {
        const QLocale locale;
        const int64_t batch = project.training.batchSize;
        model += tr("<br>%1 parameters, %2 trainable<br>%3 multiply-adds per sample"
                    "<br>about %4 to train at batch %5")
                     .arg(locale.toString(qlonglong(summary->totalParameters)),
                          locale.toString(qlonglong(summary->trainableParameters)),
                          locale.toString(qlonglong(summary->macs)),
                          locale.formattedDataSize(summary->trainingBytes(batch), 1,
                                                   QLocale::DataSizeSIFormat),
                          QString::number(batch));
    }
    text += tr("<p><b>Model</b><br>%1</p>").arg(model);
    text += tr("<p style='color:#5f6b7a'>Select a layer to edit it. Drag layers from the palette onto "
               "the canvas and drag from port to port to connect them.</p>");
    m_overview->setText(text);
}

void PropertyPanel::commitName()
{
    const Node* node = m_document->graph().node(m_nodeId);
    if (!node)
        return;
    const std::string name = m_name->text().trimmed().toStdString();
    if (name == node->name)
        return;
    QString problem;
    if (name.empty())
        problem = tr("A layer needs a name.");
    else if (m_document->graph().nodeByName(name))
        problem = tr("A layer named '%1' already exists.").arg(QString::fromStdString(name));
    if (!problem.isEmpty()) {
        showMessage(problem);
        const QSignalBlocker blocker(m_name);
        m_name->setText(QString::fromStdString(node->name));
        return;
    }
    showMessage(QString());
    m_document->undoStack()->push(new RenameNodeCommand(m_document, m_nodeId, name));
}

void PropertyPanel::commitParam(const std::string& name, const nlohmann::json& value, int session)
{
    const Node* node = m_document->graph().node(m_nodeId);
    if (!node || m_document->registry().paramValue(*node, name) == value)
        return;
    showMessage(QString());
    m_document->undoStack()->push(new SetParamCommand(m_document, m_nodeId, name, value, session));
}

void PropertyPanel::showMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

} // namespace lepton
