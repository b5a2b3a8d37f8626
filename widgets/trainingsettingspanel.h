#pragma once

#include "train/computedevices.h"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <string>
#include <vector>

class QLabel;

namespace lepton {

class GraphDocument;
class ParamEditor;

// The project's training settings as a form generated from trainingSchema(),
// in groups side by side (optimizer, loss, schedule, run, early stopping).
// Every change is one undo step on the document; a value the project file
// could not hold is refused in the field with the reason; settings with no
// effect under the others (momentum with Adam) are greyed out; a device this
// machine lacks is flagged as the project opens.
class TrainingSettingsPanel : public QWidget {
    Q_OBJECT

public:
    explicit TrainingSettingsPanel(GraphDocument* document, QWidget* parent = nullptr);

    ParamEditor* editor(const std::string& name) const;
    QString message() const;

private:
    void listDevices(ParamEditor* editor);
    void showSettings();
    void edit(const std::string& name, const nlohmann::json& value, int session);
    void showMessage(const QString& message);

    GraphDocument* m_document;
    std::vector<ParamEditor*> m_editors;
    QLabel* m_message;
    std::vector<ComputeDevice> m_devices; // this machine's, once listed
};

} // namespace lepton
