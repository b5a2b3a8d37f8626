#pragma once

#include "graph/shapeinference.h"
#include "model/modelsummary.h"
#include "project/project.h"
#include "project/starternetwork.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>

#include <optional>
#include <string>
#include <vector>

class QUndoStack;

namespace lepton {

class LayerRegistry;

// The project being edited: owns the Project, its file path and the undo
// stack. Views listen to its signals; every change goes through an undo
// command in commands/, which calls the primitive edits below. Shapes are
// re-inferred after each change so views always show the current report.
class GraphDocument : public QObject {
    Q_OBJECT

public:
    // Holds shape inference back while alive: the edits of one command
    // re-infer once, when the outermost batch ends, not once per node or wire.
    class ShapeBatch {
    public:
        explicit ShapeBatch(GraphDocument* document);
        ~ShapeBatch();
        ShapeBatch(const ShapeBatch&) = delete;
        ShapeBatch& operator=(const ShapeBatch&) = delete;

    private:
        GraphDocument* m_document;
    };

    explicit GraphDocument(QObject* parent = nullptr);
    ~GraphDocument() override;

    const Project& project() const { return m_project; }
    const Graph& graph() const { return m_project.graph; }
    const LayerRegistry& registry() const;
    const ShapeReport& shapes() const { return m_shapes; }
    // How many times shapes were inferred since the document was made: lets
    // tests check that one command infers once.
    int inferenceCount() const { return m_inferences; }
    // The node's inferred shapes, or nullptr when inference did not reach it.
    const NodeShapes* nodeShapes(NodeId id) const;
    // Parameter counts of the model the graph builds; nullptr while it cannot
    // become a model. Built on first use after a change.
    const ModelSummary* modelSummary() const;
    // Why modelSummary() is nullptr (the ModelError text: one problem a
    // line); empty while the graph can become a model.
    const std::string& modelProblem() const;
    QUndoStack* undoStack() const { return m_undoStack; }

    QString filePath() const { return m_filePath; }
    // "spiral-mlp.lepton", or "untitled.lepton" before the first save.
    QString fileName() const;
    // Where relative dataset paths resolve: the project file's folder.
    QString baseDir() const;
    bool isModified() const;
    // Puts recovered unsaved edits in place of the project as opened: the
    // document then reads as modified until saved, with no undo history.
    void recover(Project project);

    // A project with one Input and one Output node, nothing to undo.
    void newProject();
    // A new untitled project holding `project`, nothing to undo.
    void newProject(Project project);
    // Throws ProjectError (the message names file and JSON path); on failure
    // the current project stays as it was.
    void open(const QString& path);
    // A new untitled project copied from a template file (a Qt resource
    // path works). Throws ProjectError like open().
    void newFromTemplate(const QString& path);
    // Throws std::runtime_error naming the file; std::logic_error when the
    // document has no path yet.
    void save();
    void saveAs(const QString& path);
    // Sets a key of the project's ui state (view position and the like),
    // saved with the project but no edit: nothing to undo, not "modified".
    void setUiValue(const std::string& key, const nlohmann::json& value);

    // Replaces the project's dataset settings as one undo step named `what`
    // ("Change data source"); edits with the same `what` and non-zero
    // `session` merge (see SetDatasetCommand). Settings that datasetProblem
    // refuses are not taken: returns that problem, else an empty string.
    QString setDataset(const DatasetSpec& dataset, const QString& what, int session = 0);
    // The same for the training settings, refused where trainingProblem
    // refuses them.
    QString setTraining(const TrainingConfig& training, const QString& what, int session = 0);

    // What the loaded data needs of the network (set by the Data panel once
    // it has read the data; nullopt while it is unknown). Inputs and outputs
    // that do not fit it are marked on the canvas like shape errors.
    void setDataInterface(std::optional<DataInterface> data);
    const std::optional<DataInterface>& dataInterface() const { return m_data; }
    // The mismatches markDataMismatches found at the last inference.
    const std::vector<std::string>& dataMismatches() const { return m_dataMismatches; }

    // Why `edge` may not be added, or empty if it may. An edge into an
    // occupied input port is judged as if it replaced the edge there.
    std::string connectionProblem(const Edge& edge) const;

    const std::vector<NodeGroup>& groups() const { return m_project.groups; }
    // nullptr when there is none.
    const NodeGroup* group(const std::string& name) const;
    const NodeGroup* groupOf(NodeId id) const;
    const BlockDefinition* block(const std::string& name) const;

    // Primitive edits, used only by the commands in commands/.
    // insertNode keeps a non-zero id (undo restores it) and returns the id.
    NodeId insertNode(const Node& node);
    // Removes the node's edges first (each signalled), then the node; takes
    // it out of its group, and a group left empty goes too. Undo puts the
    // groups back with setGroups().
    void removeNode(NodeId id);
    // By value: an edge of the graph itself moves while it changes.
    void addEdge(Edge edge);
    void removeEdge(Edge edge);
    void setNodePosition(NodeId id, Position position);
    // A null value removes the param, so the layer's default applies.
    void setParam(NodeId id, const std::string& name, const nlohmann::json& value);
    void renameNode(NodeId id, const std::string& name);
    // Blocks and groups; names are unique, the commands check that.
    void addBlock(const BlockDefinition& block);
    void removeBlock(const std::string& name);
    void insertGroup(size_t index, const NodeGroup& group);
    // Returns the index the group had.
    size_t removeGroup(const std::string& name);
    void setGroupCollapsed(const std::string& name, bool collapsed);
    void setGroups(std::vector<NodeGroup> groups);
    void replaceDataset(const DatasetSpec& dataset);
    void replaceTraining(const TrainingConfig& training);

Q_SIGNALS:
    void nodeAdded(lepton::NodeId id);
    void nodeRemoved(lepton::NodeId id);
    void nodeMoved(lepton::NodeId id);
    void nodeChanged(lepton::NodeId id); // name or params
    void edgeAdded(const lepton::Edge& edge);
    void edgeRemoved(const lepton::Edge& edge);
    void shapesChanged();
    // A group was added, removed, collapsed, expanded or lost a node.
    void groupsChanged();
    // A block definition was added to or removed from the project.
    void blocksChanged();
    // The dataset settings changed by an edit (projectReplaced covers opening).
    void datasetChanged();
    // The training settings changed by an edit.
    void trainingChanged();
    // New or opened project: views rebuild from scratch.
    void projectReplaced();
    void filePathChanged();

private:
    void replaceProject(Project project, const QString& path);
    void reinferShapes();

    int m_shapeBatchDepth = 0;
    bool m_shapesStale = false; // an edit inside a batch awaits inference
    int m_inferences = 0;
    Node& nodeRef(NodeId id);
    NodeGroup& groupRef(const std::string& name);

    Project m_project;
    QString m_filePath;
    ShapeReport m_shapes;
    std::optional<DataInterface> m_data;
    std::vector<std::string> m_dataMismatches;
    mutable std::optional<ModelSummary> m_summary;
    mutable std::string m_modelProblem;
    mutable bool m_summaryValid = false;
    QUndoStack* m_undoStack;
};

} // namespace lepton
