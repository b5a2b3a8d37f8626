#pragma once

#include "graph/graph.h"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <string>
#include <vector>

class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QStackedWidget;

namespace lepton {

class GraphDocument;
class ParamEditor;

// Inspector for the selected node: name, type, inferred output shape,
// parameter count and one editor per parameter. Every edit is an undo
// command; the panel re-reads the document after each change, so undo and
// redo show up here too. With no node selected it shows the project's
// dataset and training settings.
class PropertyPanel : public QWidget {
    Q_OBJECT

public:
    explicit PropertyPanel(GraphDocument* document, QWidget* parent = nullptr);

    NodeId nodeId() const { return m_nodeId; }
    ParamEditor* editor(const std::string& param) const;
    // The last rejected edit ("a layer named 'fc1' already exists"), or empty.
    QString message() const;

public Q_SLOTS:
    // 0 shows the project overview.
    void setNode(lepton::NodeId id);
    // Puts the cursor in the name field with the name selected.
    void editName();

private:
    QWidget* createNodePage();
    void rebuildEditors(const std::string& type);
    void refresh();
    void refreshOverview();
    void commitName();
    void commitParam(const std::string& name, const nlohmann::json& value, int session);
    void showMessage(const QString& message);

    GraphDocument* m_document;
    NodeId m_nodeId = 0;
    std::string m_editorsType;
    QStackedWidget* m_pages;
    QLabel* m_overview;
    QLabel* m_title;
    QLabel* m_description;
    QLineEdit* m_name;
    QLabel* m_type;
    QLabel* m_shape;
    QLabel* m_parameters;
    QLabel* m_message;
    QGroupBox* m_paramBox;
    QFormLayout* m_paramForm;
    std::vector<ParamEditor*> m_editors;
};

} // namespace lepton
