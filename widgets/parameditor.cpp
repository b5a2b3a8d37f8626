#include "parameditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>

#include <cmath>
#include <limits>

namespace lepton {

namespace {

// Shows floats the way people write them ("0.1", "1e-05") instead of a
// fixed number of decimals.
class FloatSpinBox : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

protected:
    QString textFromValue(double value) const override { return QString::number(value, 'g', 8); }

    double valueFromText(const QString& text) const override { return text.trimmed().toDouble(); }

    QValidator::State validate(QString& text, int&) const override
    {
        bool ok = false;
        const double value = text.trimmed().toDouble(&ok);
        if (!ok)
            return QValidator::Intermediate;
        return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
};

double finiteOr(double value, double fallback)
{
    return std::isfinite(value) ? value : fallback;
}

int clampToInt(double value)
{
    constexpr double lowest = std::numeric_limits<int>::min();
    constexpr double highest = std::numeric_limits<int>::max();
    return int(std::max(lowest, std::min(highest, value)));
}

QString intListText(const nlohmann::json& value)
{
    QStringList parts;
    if (value.is_array()) {
        for (const auto& item : value)
            parts << QString::number(item.is_number() ? item.get<long long>() : 0);
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

ParamEditor::ParamEditor(ParamSpec spec, QWidget* parent)
    : QWidget(parent)
    , m_spec(std::move(spec))
{
    setObjectName(QStringLiteral("param:") + QString::fromStdString(m_spec.name));
    m_editor = createEditor();
    m_editor->setToolTip(QString::fromStdString(m_spec.help));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_editor);
    setFocusProxy(m_editor);
}

void ParamEditor::setValue(const nlohmann::json& value)
{
    const QSignalBlocker blocker(m_editor);
    switch (m_spec.type) {
    case ParamType::Int:
        static_cast<QSpinBox*>(m_editor)->setValue(value.is_number() ? value.get<int>() : 0);
        break;
    case ParamType::Float:
        static_cast<QDoubleSpinBox*>(m_editor)->setValue(value.is_number() ? value.get<double>() : 0.0);
        break;
    case ParamType::Bool:
        static_cast<QCheckBox*>(m_editor)->setChecked(value.is_boolean() && value.get<bool>());
        break;
    case ParamType::Choice: {
        auto* combo = static_cast<QComboBox*>(m_editor);
        combo->setCurrentIndex(value.is_string() ? combo->findText(QString::fromStdString(value.get<std::string>())) : -1);
        break;
    }
    case ParamType::IntList: {
        auto* line = static_cast<QLineEdit*>(m_editor);
        line->setText(intListText(value));
        line->setStyleSheet(QString());
        break;
    }
    }
}

QWidget* ParamEditor::createEditor()
{
    switch (m_spec.type) {
    case ParamType::Int: {
        auto* spin = new QSpinBox(this);
        spin->setRange(clampToInt(finiteOr(m_spec.minimum, -1e9)), clampToInt(finiteOr(m_spec.maximum, 1e9)));
        spin->setKeyboardTracking(false); // one edit per typed number, not per digit
        connect(spin, &QSpinBox::valueChanged, this, [this](int value) { Q_EMIT edited(value); });
        return spin;
    }
    case ParamType::Float: {
        auto* spin = new FloatSpinBox(this);
        spin->setDecimals(12);
        spin->setRange(finiteOr(m_spec.minimum, -1e12), finiteOr(m_spec.maximum, 1e12));
        spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        spin->setKeyboardTracking(false);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this](double value) { Q_EMIT edited(value); });
        return spin;
    }
    case ParamType::Bool: {
        auto* check = new QCheckBox(this);
        connect(check, &QCheckBox::toggled, this, [this](bool value) { Q_EMIT edited(value); });
        return check;
    }
    case ParamType::Choice: {
        auto* combo = new QComboBox(this);
        for (const std::string& choice : m_spec.choices)
            combo->addItem(QString::fromStdString(choice));
        connect(combo, &QComboBox::activated, this, [this](int index) {
            if (index >= 0 && size_t(index) < m_spec.choices.size())
                Q_EMIT edited(m_spec.choices[size_t(index)]);
        });
        return combo;
    }
    case ParamType::IntList: {
        auto* line = new QLineEdit(this);
        line->setPlaceholderText(QStringLiteral("1, 28, 28"));
        // Digits, separators and optional brackets; commitIntList judges the rest.
        line->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[\\[\\]\\d,\\s]*")), line));
        connect(line, &QLineEdit::editingFinished, this, &ParamEditor::commitIntList);
        return line;
    }
    }
    return new QWidget(this);
}

void ParamEditor::commitIntList()
{
    auto* line = static_cast<QLineEdit*>(m_editor);
    QString text = line->text();
    text.remove(QLatin1Char('[')).remove(QLatin1Char(']'));
    nlohmann::json values = nlohmann::json::array();
    QString problem;
    const QStringList parts = text.split(QLatin1Char(','));
    for (const QString& part : parts) {
        bool ok = false;
        const long long value = part.trimmed().toLongLong(&ok);
        if (!ok) {
            problem = tr("%1: '%2' is not a list of whole numbers like \"1, 28, 28\"")
                          .arg(QString::fromStdString(m_spec.name), line->text());
            break;
        }
        if (value < m_spec.minimum || value > m_spec.maximum) {
            problem = tr("%1: %2 is out of range").arg(QString::fromStdString(m_spec.name)).arg(value);
            break;
        }
        values.push_back(value);
    }
    if (!problem.isEmpty()) {
        line->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #d93025; }"));
        Q_EMIT rejected(problem);
        return;
    }
    line->setStyleSheet(QString());
    Q_EMIT edited(values);
}

} // namespace lepton
