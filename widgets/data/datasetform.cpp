#include "data/datasetform.h"

#include "parameditor.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QVBoxLayout>

namespace lepton {

namespace {

// "train_images" reads "train images" beside its field.
QString label(const std::string& name)
{
    return QString::fromStdString(name).replace(QLatin1Char('_'), QLatin1Char(' '));
}

} // namespace

DatasetForm::DatasetForm(bool sourceOnly, QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    addGroup("params", tr("Source"));
    if (!sourceOnly) {
        fill(addGroup("split", tr("Split")), splitSchema());
        fill(addGroup("preprocessing", tr("Preprocessing")), preprocessingSchema());
        fill(addGroup("augmentation", tr("Augmentation (training only)")), augmentationSchema());
    }
    layout->addStretch(1);
}

void DatasetForm::setDataset(const DatasetSpec& dataset, const QString& baseDir)
{
    const DataSourceSpec* source = DataSourceRegistry::builtin().find(dataset.source);
    const std::vector<ParamSpec> none;
    const std::vector<ParamSpec>& sourceSchema = source ? source->params : none;
    if (dataset.source != m_source) {
        m_source = dataset.source;
        fill(m_groups[0], sourceSchema);
    }
    m_groups[0].box->setTitle(source ? QString::fromStdString(source->displayName) : tr("Source"));
    m_groups[0].box->setToolTip(source ? QString::fromStdString(source->description) : QString());
    showValues(m_groups[0], sourceSchema, dataset.params, baseDir);
    const std::pair<const std::vector<ParamSpec>*, const nlohmann::json*> rest[] = {
        {&splitSchema(), &dataset.split},
        {&preprocessingSchema(), &dataset.preprocessing},
        {&augmentationSchema(), &dataset.augmentation},
    };
    for (size_t i = 1; i < m_groups.size(); ++i)
        showValues(m_groups[i], *rest[i - 1].first, *rest[i - 1].second, baseDir);
}

ParamEditor* DatasetForm::editor(const std::string& path) const
{
    const size_t dot = path.find('.');
    if (dot == std::string::npos)
        return nullptr;
    for (const Group& group : m_groups) {
        if (group.name != path.substr(0, dot))
            continue;
        for (ParamEditor* editor : group.editors) {
            if (editor->spec().name == path.substr(dot + 1))
                return editor;
        }
    }
    return nullptr;
}

DatasetForm::Group& DatasetForm::addGroup(const std::string& name, const QString& title)
{
    Group group;
    group.name = name;
    group.box = new QGroupBox(title, this);
    group.box->setObjectName(QString::fromStdString(name) + QStringLiteral("Group"));
    group.form = new QFormLayout(group.box);
    group.form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    static_cast<QVBoxLayout*>(layout())->addWidget(group.box);
    m_groups.push_back(group);
    return m_groups.back();
}

void DatasetForm::fill(Group& group, const std::vector<ParamSpec>& schema)
{
    while (group.form->rowCount() > 0)
        group.form->removeRow(0);
    group.editors.clear();
    for (const ParamSpec& param : schema) {
        auto* editor = new ParamEditor(param, group.box);
        auto* name = new QLabel(label(param.name), group.box);
        name->setToolTip(QString::fromStdString(param.help));
        group.form->addRow(name, editor);
        group.editors.push_back(editor);
        const std::string groupName = group.name;
        connect(editor, &ParamEditor::edited, this,
                [this, groupName, param = param.name](const nlohmann::json& value, int session) {
                    Q_EMIT edited(groupName, param, value, session);
                });
        connect(editor, &ParamEditor::rejected, this, &DatasetForm::rejected);
    }
    group.box->setVisible(!schema.empty());
}

void DatasetForm::showValues(Group& group, const std::vector<ParamSpec>& schema,
                       const nlohmann::json& values, const QString& baseDir)
{
    const nlohmann::json complete = withDefaults(schema, values.is_object() ? values : nlohmann::json::object());
    for (ParamEditor* editor : group.editors) {
        editor->setBaseDir(baseDir);
        auto it = complete.find(editor->spec().name);
        editor->setValue(it != complete.end() ? *it : editor->spec().defaultValue);
    }
}

} // namespace lepton
