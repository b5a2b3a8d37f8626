#include "parameditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QCompleter>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>

#include <cfloat>
#include <climits>
#include <cmath>

namespace lepton {

namespace {

const QColor kProblemTint(0xfc, 0xe3, 0xe1);

// Lets any whole number be typed, so one out of range can be shown as a
// problem instead of the keystroke silently vanishing; only numbers in range
// become values.
class IntSpinBox : public QSpinBox {
public:
    using QSpinBox::QSpinBox;

protected:
    QValidator::State validate(QString& text, int&) const override
    {
        const QString trimmed = text.trimmed();
        if (trimmed.isEmpty() || trimmed == QLatin1String("-") || trimmed == QLatin1String("+"))
            return QValidator::Intermediate;
        bool ok = false;
        const qlonglong value = trimmed.toLongLong(&ok);
        if (!ok)
            return QValidator::Invalid;
        return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    }
};

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

// The spin box range: the schema's bounds within what a file may hold (Int
// params are 32-bit, see LayerRegistry; JSON has no infinities).
int intBound(double bound, bool lower)
{
    const double limit = INT_MAX;
    if (!std::isfinite(bound))
        return lower ? -INT_MAX : INT_MAX;
    const double whole = lower ? std::ceil(bound) : std::floor(bound);
    return int(std::clamp(whole, -limit, limit));
}

double floatBound(double bound, bool lower)
{
    if (!std::isfinite(bound))
        return lower ? -DBL_MAX : DBL_MAX;
    return bound;
}

// The text a line editor shows for `value`: "1, 28, 28", "age, fare", a path.
QString lineText(const nlohmann::json& value)
{
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    QStringList parts;
    if (value.is_array()) {
        for (const auto& item : value) {
            parts << (item.is_string()   ? QString::fromStdString(item.get<std::string>())
                          : item.is_number_integer() ? QString::number(item.get<long long>())
                          : item.is_number()         ? QString::number(item.get<double>())
                                             : QString());
        }
    }
    return parts.join(QStringLiteral(", "));
}

bool usesLineEdit(ParamType type)
{
    return type == ParamType::IntList || type == ParamType::FloatList || type == ParamType::String || type == ParamType::StringList
        || type == ParamType::File || type == ParamType::Folder;
}

int nextSession()
{
    static int last = 0;
    return ++last;
}

} // namespace

ParamEditor::ParamEditor(ParamSpec spec, QWidget* parent)
    : QWidget(parent)
    , m_spec(std::move(spec))
{
    setObjectName(QStringLiteral("param:") + QString::fromStdString(m_spec.name));
    m_editor = createEditor();
    m_tip = QString::fromStdString(m_spec.help);
    m_editor->setToolTip(m_tip);
    m_editor->installEventFilter(this);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_editor);
    if (m_spec.type == ParamType::File || m_spec.type == ParamType::Folder)
        layout->addWidget(createBrowseButton());
    setFocusProxy(m_editor);
}

void ParamEditor::setValue(const nlohmann::json& value)
{
    m_shown = value;
    const QSignalBlocker blocker(m_editor);
    setProblem(QString());
    if (usesLineEdit(m_spec.type)) {
        static_cast<QLineEdit*>(m_editor)->setText(lineText(value));
        return;
    }
    switch (m_spec.type) {
    case ParamType::Int:
        static_cast<QSpinBox*>(m_editor)->setValue(value.is_number_integer() ? value.get<int>() : 0);
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
    default:
        break;
    }
}

void ParamEditor::setResolvedValue(const nlohmann::json& resolved)
{
    const bool inferred = !resolved.is_null() && resolved != m_shown;
    if (m_spec.type == ParamType::Int) {
        // Shown while the spin box holds its minimum: the "infer" value.
        auto* spin = static_cast<QSpinBox*>(m_editor);
        spin->setSpecialValueText(inferred && m_shown == spin->minimum()
                                      ? tr("auto (%1)").arg(QString::fromStdString(resolved.dump()))
                                      : QString());
    }
    if (m_problem.isEmpty()) {
        QString tip = m_tip;
        if (inferred)
            tip += tr("\nIn this network: %1").arg(QString::fromStdString(resolved.dump()));
        m_editor->setToolTip(tip);
    }
}

bool ParamEditor::eventFilter(QObject* watched, QEvent* event)
{
    // Leaving the editor ends its edit session: the next edit is a new step.
    if (watched == m_editor && (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut))
        m_session = 0;
    return QWidget::eventFilter(watched, event);
}

QWidget* ParamEditor::createEditor()
{
    switch (m_spec.type) {
    case ParamType::Int: {
        auto* spin = new IntSpinBox(this);
        spin->setRange(intBound(m_spec.minimum, true), intBound(m_spec.maximum, false));
        spin->setKeyboardTracking(false); // one edit per typed number, not per digit
        connect(spin, &QSpinBox::valueChanged, this, [this](int value) { commit(value); });
        connect(spin->findChild<QLineEdit*>(), &QLineEdit::textEdited, this, &ParamEditor::textTyped);
        connect(spin, &QSpinBox::editingFinished, this, &ParamEditor::finishTyping);
        return spin;
    }
    case ParamType::Float: {
        auto* spin = new FloatSpinBox(this);
        spin->setDecimals(DBL_MAX_10_EXP + DBL_DIG); // keep every digit typed, e.g. eps = 1e-12
        spin->setRange(floatBound(m_spec.minimum, true), floatBound(m_spec.maximum, false));
        spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        spin->setKeyboardTracking(false);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this](double value) { commit(value); });
        connect(spin->findChild<QLineEdit*>(), &QLineEdit::textEdited, this, &ParamEditor::textTyped);
        connect(spin, &QDoubleSpinBox::editingFinished, this, &ParamEditor::finishTyping);
        return spin;
    }
    case ParamType::Bool: {
        auto* check = new QCheckBox(this);
        connect(check, &QCheckBox::toggled, this, [this](bool value) { commit(value); });
        return check;
    }
    case ParamType::Choice: {
        auto* combo = new QComboBox(this);
        for (const std::string& choice : m_spec.choices)
            combo->addItem(QString::fromStdString(choice));
        connect(combo, &QComboBox::activated, this, [this](int index) {
            if (index >= 0 && size_t(index) < m_spec.choices.size())
                commit(m_spec.choices[size_t(index)]);
        });
        return combo;
    }
    default:
        return createLineEditor();
    }
}

QWidget* ParamEditor::createLineEditor()
{
    auto* line = new QLineEdit(this);
    if (m_spec.type == ParamType::IntList) {
        line->setPlaceholderText(tr("comma-separated whole numbers, e.g. 1, 28, 28"));
        // Digits, signs, separators and optional brackets; parseText judges the rest.
        const QRegularExpression allowed(QStringLiteral("[\\[\\]\\d,\\s+-]*"));
        line->setValidator(new QRegularExpressionValidator(allowed, line));
    } else if (m_spec.type == ParamType::FloatList) {
        line->setPlaceholderText(tr("comma-separated numbers, e.g. 1, 2.5, 0.5"));
    } else if (m_spec.type == ParamType::StringList) {
        line->setPlaceholderText(tr("comma-separated, e.g. a, b, c"));
    }
    connect(line, &QLineEdit::textEdited, this, &ParamEditor::textTyped);
    connect(line, &QLineEdit::editingFinished, this, &ParamEditor::finishLine);
    return line;
}

void ParamEditor::setSuggestions(const QList<QPair<QString, QString>>& valuesAndDescriptions)
{
    auto* line = qobject_cast<QLineEdit*>(m_editor);
    if (!line)
        return;
    QStringList values;
    m_tip = QString::fromStdString(m_spec.help) + QStringLiteral("\n");
    for (const auto& [value, description] : valuesAndDescriptions) {
        values << value;
        m_tip += QStringLiteral("\n%1: %2").arg(value, description);
    }
    auto* completer = new QCompleter(values, line);
    completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    line->setCompleter(completer);
    line->setToolTip(m_tip);
}

QWidget* ParamEditor::createBrowseButton()
{
    auto* button = new QToolButton(this);
    button->setObjectName(QStringLiteral("browse"));
    button->setText(QStringLiteral("\u2026"));
    button->setToolTip(m_spec.type == ParamType::File ? tr("Choose a file") : tr("Choose a folder"));
    connect(button, &QToolButton::clicked, this, &ParamEditor::browse);
    return button;
}

void ParamEditor::browse()
{
    auto* line = static_cast<QLineEdit*>(m_editor);
    const QDir base(m_baseDir.isEmpty() ? QDir::currentPath() : m_baseDir);
    const QString start = line->text().isEmpty() ? base.path() : base.absoluteFilePath(line->text());
    const QString title = tr("Choose %1").arg(QString::fromStdString(m_spec.name));
    QString path;
    if (m_spec.type == ParamType::File) {
        QStringList filters;
        for (const std::string& filter : m_spec.choices)
            filters << QString::fromStdString(filter);
        path = QFileDialog::getOpenFileName(this, title, start, filters.join(QStringLiteral(";;")));
    } else {
        path = QFileDialog::getExistingDirectory(this, title, start);
    }
    if (path.isEmpty())
        return;
    if (!m_baseDir.isEmpty()) {
        const QString relative = base.relativeFilePath(path);
        if (!relative.startsWith(QStringLiteral("..")))
            path = relative;
    }
    line->setText(path);
    commit(path.toStdString());
}

nlohmann::json ParamEditor::parseText(const QString& text, QString* problem) const
{
    const QString name = QString::fromStdString(m_spec.name);
    nlohmann::json value;
    switch (m_spec.type) {
    case ParamType::Int: {
        bool ok = false;
        value = text.trimmed().toLongLong(&ok);
        if (!ok)
            *problem = tr("%1: '%2' is not a whole number").arg(name, text);
        break;
    }
    case ParamType::Float: {
        bool ok = false;
        const double number = text.trimmed().toDouble(&ok);
        value = number;
        if (!ok || !std::isfinite(number))
            *problem = tr("%1: '%2' is not a number").arg(name, text);
        break;
    }
    case ParamType::IntList: {
        QString items = text;
        items.remove(QLatin1Char('[')).remove(QLatin1Char(']'));
        value = nlohmann::json::array();
        for (const QString& part : items.split(QLatin1Char(','))) {
            bool ok = false;
            value.push_back(part.trimmed().toLongLong(&ok));
            if (!ok) {
                *problem = tr("%1: '%2' is not a list of whole numbers like \"1, 28, 28\"").arg(name, text);
                break;
            }
        }
        break;
    }
    case ParamType::FloatList:
        value = nlohmann::json::array();
        for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const double number = part.trimmed().toDouble(&ok);
            if (!ok || !std::isfinite(number)) {
                *problem = tr("%1: '%2' is not a list of numbers like \"1, 2.5\"").arg(name, text);
                break;
            }
            value.push_back(number);
        }
        break;
    case ParamType::StringList:
        value = nlohmann::json::array();
        for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!part.trimmed().isEmpty())
                value.push_back(part.trimmed().toStdString());
        }
        break;
    case ParamType::String:
        value = text.toStdString(); // spaces may matter (a delimiter, a marker)
        break;
    case ParamType::File:
    case ParamType::Folder:
        value = text.trimmed().toStdString();
        break;
    case ParamType::Bool:
    case ParamType::Choice:
        break; // nothing is typed
    }
    if (problem->isEmpty())
        *problem = valueProblem(value);
    return value;
}

QString ParamEditor::valueProblem(const nlohmann::json& value) const
{
    // The rule project files are read with, so its message names the parameter.
    return QString::fromStdString(paramsProblem({m_spec}, nlohmann::json::object({{m_spec.name, value}})));
}

void ParamEditor::textTyped(const QString& text)
{
    QString problem;
    parseText(text, &problem);
    setProblem(problem);
}

void ParamEditor::finishLine()
{
    QString problem;
    const nlohmann::json value = parseText(static_cast<QLineEdit*>(m_editor)->text(), &problem);
    if (!problem.isEmpty())
        Q_EMIT rejected(problem);
    else if (value != m_shown) // focus leaving an unchanged field is no edit
        commit(value);
}

void ParamEditor::finishTyping()
{
    // A spin box puts its last good value back when typing ends on text it
    // cannot take; the panel still says what was wrong with the text.
    const QString typed = m_problem;
    setProblem(QString());
    if (!typed.isEmpty())
        Q_EMIT rejected(typed);
}

void ParamEditor::commit(const nlohmann::json& value)
{
    const QString problem = valueProblem(value);
    setProblem(problem);
    if (problem.isEmpty())
        Q_EMIT edited(value, editSession());
    else
        Q_EMIT rejected(problem);
}

void ParamEditor::setProblem(const QString& problem)
{
    if (problem == m_problem)
        return;
    m_problem = problem;
    // A tinted field rather than a style sheet, which would make the
    // platform style drop the spin boxes' arrows.
    QPalette tinted = palette();
    tinted.setColor(QPalette::Base, kProblemTint);
    m_editor->setPalette(problem.isEmpty() ? QPalette() : tinted);
    m_editor->setToolTip(problem.isEmpty() ? m_tip : problem);
}

int ParamEditor::editSession()
{
    // Edits made without the focus here (scripts, tests) each stand alone.
    if (!m_editor->hasFocus())
        return nextSession();
    if (m_session == 0)
        m_session = nextSession();
    return m_session;
}

ParamEditor* findEditor(const std::vector<ParamEditor*>& editors, const std::string& name)
{
    for (ParamEditor* editor : editors) {
        if (editor->spec().name == name)
            return editor;
    }
    return nullptr;
}

} // namespace lepton
