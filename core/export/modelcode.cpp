#include "export/modelcode.h"

#include "export/exporterror.h"
#include "graph/layerregistry.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace lepton {

namespace {

// Names the generated code uses itself, besides Python's keywords.
const std::set<std::string>& reservedNames()
{
    static const std::set<std::string> names = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
        // the generated modules' own names
        "self", "torch", "nn", "F", "math", "Tensor", "Tuple", "List", "training", "forward",
        "batch", "q", "k", "v", "weights", "attended", "hidden", "h0", "sequence", "h", "c"};
    return names;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The nodes the Output depends on, Output included.
std::set<NodeId> neededNodes(const Graph& graph, NodeId output)
{
    std::set<NodeId> needed{output};
    std::vector<NodeId> pending{output};
    while (!pending.empty()) {
        const NodeId id = pending.back();
        pending.pop_back();
        for (const Edge& edge : graph.edgesOf(id)) {
            if (edge.toNode == id && needed.insert(edge.fromNode).second)
                pending.push_back(edge.fromNode);
        }
    }
    return needed;
}

} // namespace

std::string pythonIdentifier(const std::string& name)
{
    std::string identifier;
    for (char c : name) {
        const bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        if (word)
            identifier += c;
        else if (!identifier.empty() && identifier.back() != '_')
            identifier += '_';
    }
    while (!identifier.empty() && identifier.back() == '_')
        identifier.pop_back();
    if (identifier.empty() || std::isdigit(static_cast<unsigned char>(identifier[0])))
        identifier = "layer_" + identifier;
    if (reservedNames().count(identifier))
        identifier += '_';
    return identifier;
}

std::string pythonClassName(const std::string& name)
{
    std::string className;
    bool upper = true;
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            upper = true;
            continue;
        }
        className += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    if (className.empty() || std::isdigit(static_cast<unsigned char>(className[0])))
        className = "Model" + className;
    return className;
}

ModelCode modelCode(const Graph& graph, const ShapeReport& shapes, const LayerRegistry& registry,
                    const std::string& className)
{
    if (!shapes.ok())
        throw ExportError(shapes.errors.front());
    const auto outputNode = std::find_if(graph.nodes().begin(), graph.nodes().end(),
                                         [](const Node& node) { return node.type == "Output"; });
    if (outputNode == graph.nodes().end())
        throw ExportError("the network has no Output layer");
    const std::set<NodeId> needed = neededNodes(graph, outputNode->id);

    ModelCode model;
    model.className = pythonClassName(className);
    std::set<std::string> taken;
    std::map<std::pair<NodeId, int>, std::string> outputVariables;
    for (NodeId id : shapes.order) {
        if (!needed.count(id))
            continue;
        const Node& node = *graph.node(id);
        const LayerSpec& spec = *registry.find(node.type);
        if (!spec.code)
            throw ExportError(describeNode(node) + " cannot be written as PyTorch code: " + node.type
                              + " has no code form");
        LayerCodeEntry entry;
        entry.id = id;
        entry.identifier = pythonIdentifier(node.name);
        for (int n = 2; taken.count(entry.identifier); ++n)
            entry.identifier = pythonIdentifier(node.name) + "_" + std::to_string(n);
        taken.insert(entry.identifier);
        entry.code = spec.code(LayerContext{node, shapes.nodes.at(id)});

        const int outputs = registry.outputCount(node);
        std::vector<std::pair<std::string, std::string>> fills = {{"{name}", entry.identifier}};
        for (int port = 0; port < outputs; ++port) {
            const std::string variable =
                outputs == 1 ? entry.identifier
                             : entry.identifier + "_" + pythonIdentifier(registry.outputPortName(node, port));
            outputVariables[{id, port}] = variable;
            fills.push_back({"{out" + std::to_string(port) + "}", variable});
        }
        for (int port = 0; port < registry.inputCount(node); ++port) {
            const std::optional<Edge> edge = graph.edgeInto(id, port);
            if (!edge)
                throw ExportError(describeNode(node) + " has nothing connected to input "
                                  + registry.inputPortName(node, port));
            fills.push_back({"{in" + std::to_string(port) + "}", outputVariables.at({edge->fromNode, edge->fromPort})});
        }
        for (std::vector<std::string>* statements : {&entry.code.statements, &entry.code.scriptStatements}) {
            for (std::string& statement : *statements) {
                for (const auto& [placeholder, value] : fills)
                    statement = replaceAll(statement, placeholder, value);
            }
        }
        if (node.type == "Input")
            model.inputName = entry.identifier;
        model.layers.push_back(std::move(entry));
    }
    if (model.inputName.empty())
        throw ExportError("the Output does not depend on the Input layer");
    return model;
}

std::vector<std::string> ModelCode::forward(bool script) const
{
    std::vector<std::string> lines;
    for (const LayerCodeEntry& layer : layers) {
        const std::string self = "self." + layer.identifier + (script ? ".forward" : "");
        for (const std::string& statement : script ? layer.code.script() : layer.code.statements)
            lines.push_back(replaceAll(statement, "{self}", self));
    }
    return lines;
}

std::vector<std::string> ModelCode::helperSources() const
{
    std::vector<std::string> sources;
    for (const LayerCodeEntry& layer : layers) {
        const std::string& source = layer.code.helperSource;
        if (!source.empty() && std::find(sources.begin(), sources.end(), source) == sources.end())
            sources.push_back(source);
    }
    return sources;
}

} // namespace lepton
