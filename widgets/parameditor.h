#pragma once

#include "graph/layerregistry.h"

#include <nlohmann/json.hpp>

#include <QString>
#include <QWidget>

#include <string>

namespace lepton {

// The editor for one layer parameter, chosen by its ParamSpec type: a spin
// box for Int and Float, a check box for Bool, a combo box for Choice and a
// line edit ("1, 28, 28") for IntList. Typed text is judged as it is typed
// by the registry's own rule (LayerRegistry::validateParams), so the editor
// never reports a value a project file would refuse; a problem shows inline
// as a red-tinted field whose tooltip says why. Reports only user edits.
class ParamEditor : public QWidget {
    Q_OBJECT

public:
    ParamEditor(const LayerRegistry& registry, std::string layerType, ParamSpec spec,
                QWidget* parent = nullptr);

    const ParamSpec& spec() const { return m_spec; }
    // Shows `value` without reporting it as an edit.
    void setValue(const nlohmann::json& value);
    // The value shape inference worked out for this parameter (null when it
    // is not known). Where it differs from the value set, the editor says so:
    // an in_features of 0 reads "auto (784)".
    void setResolvedValue(const nlohmann::json& resolved);
    // Why the text now in the editor cannot be this parameter's value; empty
    // when it can.
    QString problem() const { return m_problem; }

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
    // The value `text` stands for, or the problem with it.
    nlohmann::json parseText(const QString& text, QString* problem) const;
    // Empty if the registry accepts `value` for this parameter.
    QString valueProblem(const nlohmann::json& value) const;
    void textTyped(const QString& text);
    void finishTyping();
    void commit(const nlohmann::json& value);
    void showProblem(const QString& problem);
    int editSession();

    const LayerRegistry& m_registry;
    std::string m_layerType;
    ParamSpec m_spec;
    QWidget* m_editor;
    QString m_problem;
    nlohmann::json m_shown; // the value last set, for comparing the resolved one
    int m_session = 0; // 0: no edit since the editor took focus
};

} // namespace lepton
