#pragma once

#include "util/paramspec.h"

#include <nlohmann/json.hpp>

#include <QString>
#include <QWidget>

#include <string>
#include <vector>

namespace lepton {

// The editor for one parameter of a layer or a data source, chosen by its
// ParamSpec type: a spin box for Int and Float, a check box for Bool, a combo
// box for Choice, a line edit for IntList ("1, 28, 28"), String and
// StringList ("age, fare"), and a line edit with a browse button for File and
// Folder. Typed text is judged as it is typed by the schema's own rule
// (paramsProblem), so the editor never reports a value a project file would
// refuse; a problem shows inline as a red-tinted field whose tooltip says
// why. Reports only user edits.
class ParamEditor : public QWidget {
    Q_OBJECT

public:
    explicit ParamEditor(ParamSpec spec, QWidget* parent = nullptr);

    const ParamSpec& spec() const { return m_spec; }
    // Shows `value` without reporting it as an edit.
    void setValue(const nlohmann::json& value);
    // The value shape inference worked out for this parameter (null when it
    // is not known). Where it differs from the value set, the editor says so:
    // an in_features of 0 reads "auto (784)".
    void setResolvedValue(const nlohmann::json& resolved);
    // Where relative File and Folder paths start, for browsing; a path
    // picked inside it is kept relative, so the project can move with it.
    void setBaseDir(const QString& dir) { m_baseDir = dir; }
    // Why the text now in the editor cannot be this parameter's value; empty
    // when it can.
    QString problem() const { return m_problem; }
    // Tints the field and puts `problem` in its tooltip (empty clears it):
    // for problems only the caller sees, such as fractions that add up to
    // too much. The next setValue() clears it.
    void setProblem(const QString& problem);
    // Values a text field offers as it is typed in, each described in the
    // field's tooltip under the help: the devices a run can use.
    void setSuggestions(const QList<QPair<QString, QString>>& valuesAndDescriptions);

Q_SIGNALS:
    // Edits with the same non-zero `session` come from one stay of the focus
    // in this editor and may merge into one undo step.
    void edited(const nlohmann::json& value, int session);
    // An edit was refused; says why, naming the parameter.
    void rejected(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* createEditor();
    QWidget* createLineEditor();
    QWidget* createBrowseButton();
    void browse();
    // The value `text` stands for, or the problem with it.
    nlohmann::json parseText(const QString& text, QString* problem) const;
    // Empty if the schema accepts `value` for this parameter.
    QString valueProblem(const nlohmann::json& value) const;
    void textTyped(const QString& text);
    void finishTyping();
    // A line editor's text is done: commit it when it says something new.
    void finishLine();
    void commit(const nlohmann::json& value);
    int editSession();

    ParamSpec m_spec;
    QWidget* m_editor;
    QString m_problem;
    QString m_tip; // the help, and what setSuggestions() describes
    QString m_baseDir;
    nlohmann::json m_shown; // the value last set, for comparing the resolved one
    int m_session = 0; // 0: no edit since the editor took focus
};

// The editor of parameter `name` among `editors`, or null.
ParamEditor* findEditor(const std::vector<ParamEditor*>& editors, const std::string& name);

} // namespace lepton
