#pragma once

#include "graph/layerregistry.h"

#include <nlohmann/json.hpp>

#include <QWidget>

namespace lepton {

// The editor for one layer parameter, chosen by its ParamSpec type: a spin
// box for Int and Float, a check box for Bool, a combo box for Choice and a
// validated line edit ("1, 28, 28") for IntList. Reports only user edits.
class ParamEditor : public QWidget {
    Q_OBJECT

public:
    ParamEditor(ParamSpec spec, QWidget* parent = nullptr);

    const ParamSpec& spec() const { return m_spec; }
    // Shows `value` without reporting it as an edit.
    void setValue(const nlohmann::json& value);

Q_SIGNALS:
    void edited(const nlohmann::json& value);
    // The text typed cannot be a value of this parameter; says why.
    void rejected(const QString& message);

private:
    QWidget* createEditor();
    void commitIntList();

    ParamSpec m_spec;
    QWidget* m_editor;
};

} // namespace lepton
