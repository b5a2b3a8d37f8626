#pragma once

#include "data/datasetspec.h"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <string>
#include <vector>

class QFormLayout;
class QGroupBox;

namespace lepton {

class ParamEditor;

// The editors of a DatasetSpec, generated from its schemas: the source's
// params, then (unless `sourceOnly`) Split, Preprocessing and Augmentation.
// It only shows values and reports edits; whoever owns the spec decides.
// Groups are named as in the project file and datasetProblem's paths:
// "params", "split", "preprocessing", "augmentation".
class DatasetForm : public QWidget {
    Q_OBJECT

public:
    explicit DatasetForm(bool sourceOnly = false, QWidget* parent = nullptr);

    // Shows `dataset`, rebuilding the source group when the source changed.
    // File and Folder params browse from `baseDir`.
    void setDataset(const DatasetSpec& dataset, const QString& baseDir);
    // The editor at a datasetProblem path ("split.validation"), or nullptr.
    ParamEditor* editor(const std::string& path) const;

Q_SIGNALS:
    void edited(const std::string& group, const std::string& name, const nlohmann::json& value,
                int session);
    // An edit the editor itself refused; says why.
    void rejected(const QString& message);

private:
    struct Group {
        std::string name;
        QGroupBox* box = nullptr;
        QFormLayout* form = nullptr;
        std::vector<ParamEditor*> editors;
    };
    Group& addGroup(const std::string& name, const QString& title);
    void fill(Group& group, const std::vector<ParamSpec>& schema);
    void showValues(Group& group, const std::vector<ParamSpec>& schema, const nlohmann::json& values,
              const QString& baseDir);

    std::vector<Group> m_groups; // the source's params first
    std::string m_source;        // whose params the first group holds
};

} // namespace lepton
