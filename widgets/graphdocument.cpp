#include "graphdocument.h"

#include "commands/setdatasetcommand.h"
#include "commands/settrainingcommand.h"
#include "graph/layerregistry.h"
#include "util/atomicfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUndoStack>

#include <algorithm>
#include <stdexcept>

namespace lepton {

GraphDocument::GraphDocument(QObject* parent)
    : QObject(parent)
    , m_undoStack(new QUndoStack(this))
{
    newProject();
}

GraphDocument::~GraphDocument() = default;

const LayerRegistry& GraphDocument::registry() const
{
    return LayerRegistry::builtin();
}

const NodeShapes* GraphDocument::nodeShapes(NodeId id) const
{
    auto it = m_shapes.nodes.find(id);
    return it == m_shapes.nodes.end() ? nullptr : &it->second;
}

const ModelSummary* GraphDocument::modelSummary() const
{
    if (!m_summaryValid) {
        m_summaryValid = true;
        m_summary.reset();
        m_modelProblem.clear();
        try {
            m_summary = summarizeModel(m_project.graph, m_shapes); // shapes are current
        } catch (const std::exception& error) {
            // The graph cannot become a model yet: shape problems, or no
            // single Input or Output. Callers show no counts, and say why.
            m_modelProblem = error.what();
            if (m_modelProblem.empty())
                m_modelProblem = "the graph cannot become a model";
        }
    }
    return m_summary ? &*m_summary : nullptr;
}

const std::string& GraphDocument::modelProblem() const
{
    modelSummary();
    return m_modelProblem;
}

QString GraphDocument::fileName() const
{
    return m_filePath.isEmpty() ? QStringLiteral("untitled.lepton") : QFileInfo(m_filePath).fileName();
}

QString GraphDocument::baseDir() const
{
    return m_filePath.isEmpty() ? QDir::currentPath() : QFileInfo(m_filePath).absolutePath();
}

bool GraphDocument::isModified() const
{
    return !m_undoStack->isClean();
}

void GraphDocument::recover(Project project)
{
    replaceProject(std::move(project), m_filePath);
    m_undoStack->resetClean();
}

void GraphDocument::newProject()
{
    Project project;
    project.name = "Untitled";
    const LayerRegistry& layers = registry();
    project.graph.addNode(layers.makeNode("Input", project.graph, {0.0, 0.0}));
    project.graph.addNode(layers.makeNode("Output", project.graph, {360.0, 0.0}));
    newProject(std::move(project));
}

void GraphDocument::open(const QString& path)
{
    Project project = loadProject(path.toStdString(), registry());
    removeLeftoverSaves(path.toStdString());
    replaceProject(std::move(project), QFileInfo(path).absoluteFilePath());
}

void GraphDocument::newFromTemplate(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error(path.toStdString() + ": " + file.errorString().toStdString());
    const nlohmann::json json = nlohmann::json::parse(file.readAll().toStdString());
    newProject(projectFromJson(json, registry()));
}

void GraphDocument::newProject(Project project)
{
    replaceProject(std::move(project), QString());
}

void GraphDocument::save()
{
    if (m_filePath.isEmpty())
        throw std::logic_error("the project has no file name yet");
    saveProject(m_project, m_filePath.toStdString());
    m_undoStack->setClean();
}

void GraphDocument::saveAs(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // Data paths relative to the old folder keep naming the same files.
    Project moved = m_project;
    moved.dataset = rebaseDataPaths(m_project.dataset, baseDir().toStdString(),
                                    QFileInfo(absolute).absolutePath().toStdString());
    saveProject(moved, absolute.toStdString());
    m_project.dataset = moved.dataset;
    m_filePath = absolute;
    m_undoStack->setClean();
    Q_EMIT filePathChanged();
}

void GraphDocument::setUiValue(const std::string& key, const nlohmann::json& value)
{
    m_project.ui[key] = value;
}

std::string GraphDocument::connectionProblem(const Edge& edge) const
{
    const Graph& graph = m_project.graph;
    if (graph.hasEdge(edge))
        return "these ports are already connected";
    const std::optional<Edge> occupied = graph.edgeInto(edge.toNode, edge.toPort);
    if (!occupied)
        return graph.canConnect(edge, registry());
    Graph replaced = graph;
    replaced.removeEdge(*occupied);
    return replaced.canConnect(edge, registry());
}

const NodeGroup* GraphDocument::group(const std::string& name) const
{
    const auto& groups = m_project.groups;
    auto it = std::find_if(groups.begin(), groups.end(), [&name](const NodeGroup& g) { return g.name == name; });
    return it == groups.end() ? nullptr : &*it;
}

const NodeGroup* GraphDocument::groupOf(NodeId id) const
{
    for (const NodeGroup& group : m_project.groups) {
        if (std::find(group.nodes.begin(), group.nodes.end(), id) != group.nodes.end())
            return &group;
    }
    return nullptr;
}

const BlockDefinition* GraphDocument::block(const std::string& name) const
{
    const auto& blocks = m_project.blocks;
    auto it = std::find_if(blocks.begin(), blocks.end(),
                           [&name](const BlockDefinition& b) { return b.name == name; });
    return it == blocks.end() ? nullptr : &*it;
}

NodeId GraphDocument::insertNode(const Node& node)
{
    const NodeId id = m_project.graph.addNode(node);
    Q_EMIT nodeAdded(id);
    reinferShapes();
    return id;
}

void GraphDocument::removeNode(NodeId id)
{
    nodeRef(id);
    for (const Edge& edge : m_project.graph.edgesOf(id)) {
        m_project.graph.removeEdge(edge);
        Q_EMIT edgeRemoved(edge);
    }
    // A group holds only nodes of the graph, and never none.
    std::vector<NodeGroup>& groups = m_project.groups;
    auto holder = std::find_if(groups.begin(), groups.end(), [id](const NodeGroup& g) {
        return std::find(g.nodes.begin(), g.nodes.end(), id) != g.nodes.end();
    });
    const bool grouped = holder != groups.end();
    if (grouped) {
        holder->nodes.erase(std::find(holder->nodes.begin(), holder->nodes.end(), id));
        if (holder->nodes.empty())
            groups.erase(holder);
    }
    m_project.graph.removeNode(id);
    Q_EMIT nodeRemoved(id);
    if (grouped)
        Q_EMIT groupsChanged();
    reinferShapes();
}

void GraphDocument::addEdge(Edge edge)
{
    m_project.graph.addEdge(edge);
    Q_EMIT edgeAdded(edge);
    reinferShapes();
}

void GraphDocument::removeEdge(Edge edge)
{
    if (!m_project.graph.removeEdge(edge))
        return;
    Q_EMIT edgeRemoved(edge);
    reinferShapes();
}

void GraphDocument::setNodePosition(NodeId id, Position position)
{
    nodeRef(id).position = position;
    Q_EMIT nodeMoved(id); // positions do not affect shapes
}

void GraphDocument::setParam(NodeId id, const std::string& name, const nlohmann::json& value)
{
    Node& node = nodeRef(id);
    if (value.is_null())
        node.params.erase(name);
    else
        node.params[name] = value;
    Q_EMIT nodeChanged(id);
    reinferShapes();
}

void GraphDocument::renameNode(NodeId id, const std::string& name)
{
    nodeRef(id).name = name;
    Q_EMIT nodeChanged(id);
    reinferShapes(); // messages name the node
}

void GraphDocument::addBlock(const BlockDefinition& block)
{
    m_project.blocks.push_back(block);
    Q_EMIT blocksChanged();
}

void GraphDocument::removeBlock(const std::string& name)
{
    auto& blocks = m_project.blocks;
    blocks.erase(std::remove_if(blocks.begin(), blocks.end(),
                                [&name](const BlockDefinition& b) { return b.name == name; }),
                 blocks.end());
    Q_EMIT blocksChanged();
}

void GraphDocument::insertGroup(size_t index, const NodeGroup& group)
{
    auto& groups = m_project.groups;
    groups.insert(groups.begin() + std::ptrdiff_t(std::min(index, groups.size())), group);
    Q_EMIT groupsChanged();
}

size_t GraphDocument::removeGroup(const std::string& name)
{
    auto& groups = m_project.groups;
    const size_t index = size_t(&groupRef(name) - groups.data());
    groups.erase(groups.begin() + std::ptrdiff_t(index));
    Q_EMIT groupsChanged();
    return index;
}

void GraphDocument::setGroupCollapsed(const std::string& name, bool collapsed)
{
    groupRef(name).collapsed = collapsed;
    Q_EMIT groupsChanged();
}

void GraphDocument::setGroups(std::vector<NodeGroup> groups)
{
    m_project.groups = std::move(groups);
    Q_EMIT groupsChanged();
}

QString GraphDocument::setDataset(const DatasetSpec& dataset, const QString& what, int session)
{
    const DatasetProblem problem = datasetProblem(dataset);
    if (!problem.empty())
        return QString::fromStdString(problem.path + ": " + problem.problem);
    m_undoStack->push(new SetDatasetCommand(this, dataset, what, session));
    return {};
}

QString GraphDocument::setTraining(const TrainingConfig& training, const QString& what, int session)
{
    std::string param;
    const std::string problem = trainingProblem(trainingToJson(training), &param);
    if (!problem.empty())
        return QString::fromStdString(problem);
    m_undoStack->push(new SetTrainingCommand(this, training, what, session));
    return {};
}

void GraphDocument::replaceTraining(const TrainingConfig& training)
{
    m_project.training = training;
    Q_EMIT trainingChanged();
}

void GraphDocument::replaceDataset(const DatasetSpec& dataset)
{
    m_project.dataset = dataset;
    Q_EMIT datasetChanged();
}

void GraphDocument::replaceProject(Project project, const QString& path)
{
    m_project = std::move(project);
    m_filePath = path;
    m_undoStack->clear();
    ++m_inferences;
    m_shapes = inferShapes(m_project.graph, registry());
    m_data.reset(); // another project's data: known again once the Data panel reads it
    m_dataMismatches.clear();
    m_summaryValid = false;
    Q_EMIT projectReplaced();
    Q_EMIT shapesChanged();
    Q_EMIT filePathChanged();
}

GraphDocument::ShapeBatch::ShapeBatch(GraphDocument* document)
    : m_document(document)
{
    ++m_document->m_shapeBatchDepth;
}

GraphDocument::ShapeBatch::~ShapeBatch()
{
    if (--m_document->m_shapeBatchDepth == 0 && m_document->m_shapesStale)
        m_document->reinferShapes();
}

void GraphDocument::reinferShapes()
{
    if (m_shapeBatchDepth > 0) {
        m_shapesStale = true;
        return;
    }
    m_shapesStale = false;
    ++m_inferences;
    m_shapes = inferShapes(m_project.graph, registry());
    m_dataMismatches = m_data ? markDataMismatches(m_shapes, m_project.graph, *m_data)
                              : std::vector<std::string>();
    m_summaryValid = false;
    Q_EMIT shapesChanged();
}

void GraphDocument::setDataInterface(std::optional<DataInterface> data)
{
    const auto same = [](const DataInterface& a, const DataInterface& b) {
        return a.input == b.input && a.task == b.task && a.outputs == b.outputs;
    };
    if (m_data.has_value() == data.has_value() && (!data || same(*m_data, *data)))
        return;
    m_data = std::move(data);
    reinferShapes();
}

Node& GraphDocument::nodeRef(NodeId id)
{
    Node* node = m_project.graph.node(id);
    if (!node)
        throw std::out_of_range("no layer with id " + std::to_string(id));
    return *node;
}

NodeGroup& GraphDocument::groupRef(const std::string& name)
{
    auto& groups = m_project.groups;
    auto it = std::find_if(groups.begin(), groups.end(), [&name](const NodeGroup& g) { return g.name == name; });
    if (it == groups.end())
        throw std::out_of_range("no group '" + name + "'");
    return *it;
}

} // namespace lepton
