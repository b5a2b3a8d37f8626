#include "trainingsettingspanel.h"

#include "train/computedevices.h"

#include "graphdocument.h"
#include "parameditor.h"
#include "train/trainingconfig.h"

#include <QFormLayout>
#include <QFuture>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <map>

namespace lepton {

namespace {

// The schema is ordered by group; these settings open one.
const std::map<std::string, const char*>& groupStarts()
{
    static const std::map<std::string, const char*> starts = {
        {"optimizer", QT_TR_NOOP("Optimizer")},
        {"loss", QT_TR_NOOP("Loss")},
        {"schedule", QT_TR_NOOP("Learning-rate schedule")},
        {"batch_size", QT_TR_NOOP("Run")},
        {"early_stopping", QT_TR_NOOP("Early stopping")},
        {"keep_last_checkpoints", QT_TR_NOOP("Checkpoints")},
    };
    return starts;
}

} // namespace

TrainingSettingsPanel::TrainingSettingsPanel(GraphDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_message(new QLabel(this))
{
    auto* groups = new QWidget;
    auto* row = new QHBoxLayout(groups);
    QFormLayout* form = nullptr;
    for (const ParamSpec& spec : trainingSchema()) {
        if (const auto start = groupStarts().find(spec.name); start != groupStarts().end() || !form) {
            auto* box = new QGroupBox(tr(start != groupStarts().end() ? start->second : "Settings"), groups);
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            row->addWidget(box, 0, Qt::AlignTop);
        }
        auto* editor = new ParamEditor(spec, form->parentWidget());
        auto* label = new QLabel(QString::fromStdString(spec.name).replace(QLatin1Char('_'), QLatin1Char(' ')));
        label->setToolTip(QString::fromStdString(spec.help));
        label->setBuddy(editor);
        form->addRow(label, editor);
        m_editors.push_back(editor);
        if (spec.name == "device")
            listDevices(editor);
        connect(editor, &ParamEditor::edited, this,
                [this, name = spec.name](const nlohmann::json& value, int session) { edit(name, value, session); });
        connect(editor, &ParamEditor::rejected, this, &TrainingSettingsPanel::showMessage);
    }
    row->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(groups);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_message->hide();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(scroll, 1);

    connect(document, &GraphDocument::trainingChanged, this, &TrainingSettingsPanel::showSettings);
    connect(document, &GraphDocument::projectReplaced, this, &TrainingSettingsPanel::showSettings);
    showSettings();
}

ParamEditor* TrainingSettingsPanel::editor(const std::string& name) const
{
    return findEditor(m_editors, name);
}

QString TrainingSettingsPanel::message() const
{
    return m_message->text();
}

// Off the GUI thread: asking a CUDA LibTorch for its GPUs starts the driver.
// The list then fills the device field's suggestions and checks its value.
void TrainingSettingsPanel::listDevices(ParamEditor* editor)
{
    QtConcurrent::run(computeDevices).then(this, [this, editor](const std::vector<ComputeDevice>& found) {
        m_devices = found;
        QList<QPair<QString, QString>> devices;
        for (const ComputeDevice& device : found)
            devices.append({QString::fromStdString(device.name), QString::fromStdString(device.description)});
        editor->setSuggestions(devices);
        showSettings();
    });
}

void TrainingSettingsPanel::showSettings()
{
    const TrainingConfig& training = m_document->project().training;
    const nlohmann::ordered_json values = trainingToJson(training);
    for (ParamEditor* editor : m_editors) {
        const std::string& name = editor->spec().name;
        editor->setValue(values.at(name));
        editor->setEnabled(trainingParamApplies(name, training));
    }
    // A project from another machine may name a GPU this one lacks.
    if (!m_devices.empty()) {
        const QString problem = QString::fromStdString(deviceProblem(training.device, m_devices));
        showMessage(problem);
        editor("device")->setProblem(problem);
    }
}

void TrainingSettingsPanel::edit(const std::string& name, const nlohmann::json& value, int session)
{
    nlohmann::json settings = trainingToJson(m_document->project().training);
    settings[name] = value;
    std::string problem = trainingProblem(settings);
    if (problem.empty())
        problem = m_document->setTraining(trainingFromJson(settings),
                                          tr("Set training.%1").arg(QString::fromStdString(name)), session)
                      .toStdString();
    showMessage(QString::fromStdString(problem));
    if (!problem.empty())
        editor(name)->setProblem(QString::fromStdString(problem));
}

void TrainingSettingsPanel::showMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

} // namespace lepton
