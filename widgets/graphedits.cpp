#include "graphedits.h"

#include "commands/addnodecommand.h"
#include "commands/connectportscommand.h"
#include "commands/movenodescommand.h"
#include "commands/removeitemscommand.h"
#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphlayout.h"
#include "nodeitem.h"

#include <QUndoStack>

#include <algorithm>
#include <optional>
#include <set>

namespace lepton {

namespace {

// The one wire into and the one wire out of `id`, if it has exactly those.
std::optional<std::pair<Edge, Edge>> chainWires(const Graph& graph, NodeId id)
{
    std::vector<Edge> in;
    std::vector<Edge> out;
    for (const Edge& edge : graph.edgesOf(id))
        (edge.toNode == id ? in : out).push_back(edge);
    if (in.size() != 1 || out.size() != 1)
        return std::nullopt;
    return std::pair(in.front(), out.front());
}

QString nodeText(const GraphDocument* document, NodeId id)
{
    const Node* node = document->graph().node(id);
    return QString::fromStdString(node ? node->name : std::string());
}

} // namespace

bool canInsertIntoEdge(const LayerRegistry& registry, const std::string& type)
{
    if (!registry.find(type))
        return false;
    Node probe;
    probe.type = type;
    return registry.inputCount(probe) > 0 && registry.outputCount(probe) > 0;
}

NodeId insertLayerIntoEdge(GraphDocument* document, const std::string& type, Edge edge, Position position)
{
    if (!canInsertIntoEdge(document->registry(), type) || !document->graph().hasEdge(edge))
        return 0;
    QUndoStack* stack = document->undoStack();
    auto* add = new AddNodeCommand(document, type, position);
    const GraphDocument::ShapeBatch batch(document);
    stack->beginMacro(QObject::tr("Insert %1 into '%2' \u2192 '%3'")
                          .arg(QString::fromStdString(type), nodeText(document, edge.fromNode),
                               nodeText(document, edge.toNode)));
    stack->push(add);
    const NodeId id = add->nodeId();
    stack->push(new RemoveItemsCommand(document, {}, {edge}));
    stack->push(new ConnectPortsCommand(document, {edge.fromNode, edge.fromPort, id, 0}));
    stack->push(new ConnectPortsCommand(document, {id, 0, edge.toNode, edge.toPort}));
    stack->endMacro();
    return id;
}

std::vector<Edge> chainBridges(const Graph& graph, const std::vector<NodeId>& nodes)
{
    auto removed = [&nodes](NodeId id) { return std::find(nodes.begin(), nodes.end(), id) != nodes.end(); };
    std::set<Edge> bridges;
    for (NodeId id : nodes) {
        const auto wires = chainWires(graph, id);
        if (!wires)
            continue;
        // Walk out of a run of removed chain nodes on both sides; any
        // removed node that branches leaves nothing to re-join.
        Edge into = wires->first;
        Edge outOf = wires->second;
        bool chain = true;
        while (chain && removed(into.fromNode)) {
            const auto before = chainWires(graph, into.fromNode);
            chain = before.has_value();
            if (chain)
                into = before->first;
        }
        while (chain && removed(outOf.toNode)) {
            const auto after = chainWires(graph, outOf.toNode);
            chain = after.has_value();
            if (chain)
                outOf = after->second;
        }
        if (chain)
            bridges.insert({into.fromNode, into.fromPort, outOf.toNode, outOf.toPort});
    }
    return {bridges.begin(), bridges.end()};
}

void removeItemsRejoining(GraphDocument* document, const std::vector<NodeId>& nodes,
                          const std::vector<Edge>& edges)
{
    const std::vector<Edge> bridges = chainBridges(document->graph(), nodes);
    auto* remove = new RemoveItemsCommand(document, nodes, edges);
    if (remove->isEmpty()) {
        delete remove;
        return;
    }
    QUndoStack* stack = document->undoStack();
    const GraphDocument::ShapeBatch batch(document);
    stack->beginMacro(QObject::tr("%1 and reconnect").arg(remove->text()));
    stack->push(remove);
    for (const Edge& bridge : bridges) {
        if (document->connectionProblem(bridge).empty())
            stack->push(new ConnectPortsCommand(document, bridge));
    }
    stack->endMacro();
}

bool autoLayout(GraphDocument* document)
{
    const LayerRegistry& registry = document->registry();
    LayoutMetrics metrics;
    metrics.nodeWidth = NodeItem::kWidth;
    metrics.nodeHeight = [&registry](const Node& node) { return NodeItem::heightFor(registry, node); };
    std::vector<NodeMove> moves;
    for (const auto& [id, to] : layeredLayout(document->graph(), metrics)) {
        const Position from = document->graph().node(id)->position;
        if (from.x != to.x || from.y != to.y)
            moves.push_back({id, from, to});
    }
    if (moves.empty())
        return false;
    auto* command = new MoveNodesCommand(document, std::move(moves), MoveNodesCommand::Kind::Drag);
    command->setText(QObject::tr("Auto Layout"));
    document->undoStack()->push(command);
    return true;
}

} // namespace lepton
