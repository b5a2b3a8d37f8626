#include "graph/graph.h"

#include "graph/layerregistry.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <unordered_set>

namespace lepton {

bool Edge::operator==(const Edge& other) const
{
    return fromNode == other.fromNode && fromPort == other.fromPort && toNode == other.toNode
        && toPort == other.toPort;
}

bool Edge::operator<(const Edge& other) const
{
    return std::tie(fromNode, fromPort, toNode, toPort)
        < std::tie(other.fromNode, other.fromPort, other.toNode, other.toPort);
}

Graph::Graph(std::vector<Node> nodes, std::vector<Edge> edges)
    : m_nodes(std::move(nodes))
    , m_edges(std::move(edges))
{
    std::sort(m_nodes.begin(), m_nodes.end(), [](const Node& a, const Node& b) { return a.id < b.id; });
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].id < 0)
            throw std::invalid_argument("node id " + std::to_string(m_nodes[i].id) + " is negative");
        if (i > 0 && m_nodes[i].id == m_nodes[i - 1].id)
            throw std::invalid_argument("node id " + std::to_string(m_nodes[i].id) + " is already taken");
    }
    if (!m_nodes.empty())
        m_nextId = std::max(m_nextId, m_nodes.back().id + 1);
    std::sort(m_edges.begin(), m_edges.end());
    for (size_t i = 0; i < m_edges.size(); ++i) {
        const Edge& edge = m_edges[i];
        if (!node(edge.fromNode) || !node(edge.toNode))
            throw std::invalid_argument("edge " + std::to_string(edge.fromNode) + " -> "
                                        + std::to_string(edge.toNode) + " refers to a missing node");
        if (i > 0 && edge == m_edges[i - 1])
            throw std::invalid_argument("edge " + std::to_string(edge.fromNode) + " -> "
                                        + std::to_string(edge.toNode) + " already exists");
    }
}

const Node* Graph::node(NodeId id) const
{
    // Nodes are kept in id order (addNode inserts in place).
    auto it = std::lower_bound(m_nodes.begin(), m_nodes.end(), id,
                               [](const Node& n, NodeId wanted) { return n.id < wanted; });
    return it == m_nodes.end() || it->id != id ? nullptr : &*it;
}

Node* Graph::node(NodeId id)
{
    return const_cast<Node*>(static_cast<const Graph*>(this)->node(id));
}

const Node* Graph::nodeByName(const std::string& name) const
{
    auto it = std::find_if(m_nodes.begin(), m_nodes.end(),
                           [&name](const Node& n) { return n.name == name; });
    return it == m_nodes.end() ? nullptr : &*it;
}

NodeId Graph::addNode(Node node)
{
    if (node.id == 0)
        node.id = m_nextId;
    if (node.id < 0)
        throw std::invalid_argument("node id " + std::to_string(node.id) + " is negative");
    if (this->node(node.id))
        throw std::invalid_argument("node id " + std::to_string(node.id) + " is already taken");
    m_nextId = std::max(m_nextId, node.id + 1);
    const NodeId id = node.id;
    auto byId = [](const Node& a, NodeId b) { return a.id < b; };
    m_nodes.insert(std::lower_bound(m_nodes.begin(), m_nodes.end(), id, byId), std::move(node));
    return id;
}

std::vector<Edge> Graph::removeNode(NodeId id)
{
    std::vector<Edge> removed = edgesOf(id);
    auto touches = [id](const Edge& e) { return e.fromNode == id || e.toNode == id; };
    m_edges.erase(std::remove_if(m_edges.begin(), m_edges.end(), touches), m_edges.end());
    m_nodes.erase(std::remove_if(m_nodes.begin(), m_nodes.end(),
                                 [id](const Node& n) { return n.id == id; }),
                  m_nodes.end());
    return removed;
}

void Graph::addEdge(const Edge& edge)
{
    // The one rule Graph enforces itself: edges only join existing nodes.
    if (!node(edge.fromNode) || !node(edge.toNode))
        throw std::invalid_argument("edge " + std::to_string(edge.fromNode) + " -> "
                                    + std::to_string(edge.toNode) + " refers to a missing node");
    const auto place = std::lower_bound(m_edges.begin(), m_edges.end(), edge);
    if (place != m_edges.end() && *place == edge)
        throw std::invalid_argument("edge " + std::to_string(edge.fromNode) + " -> "
                                    + std::to_string(edge.toNode) + " already exists");
    m_edges.insert(place, edge);
}

bool Graph::removeEdge(const Edge& edge)
{
    auto it = std::find(m_edges.begin(), m_edges.end(), edge);
    if (it == m_edges.end())
        return false;
    m_edges.erase(it);
    return true;
}

bool Graph::hasEdge(const Edge& edge) const
{
    return std::binary_search(m_edges.begin(), m_edges.end(), edge);
}

std::optional<Edge> Graph::edgeInto(NodeId node, int port) const
{
    for (const Edge& edge : m_edges) {
        if (edge.toNode == node && edge.toPort == port)
            return edge;
    }
    return std::nullopt;
}

std::vector<Edge> Graph::edgesOf(NodeId node) const
{
    std::vector<Edge> result;
    std::copy_if(m_edges.begin(), m_edges.end(), std::back_inserter(result),
                 [node](const Edge& e) { return e.fromNode == node || e.toNode == node; });
    return result;
}

std::string Graph::canConnect(const Edge& edge, const LayerRegistry& registry) const
{
    if (std::string problem = endpointProblem(edge, registry); !problem.empty())
        return problem;
    const Node* from = node(edge.fromNode);
    const Node* to = node(edge.toNode);
    if (hasEdge(edge))
        return describeNode(*from) + " output '" + registry.outputPortName(*from, edge.fromPort)
            + "' is already connected to " + describeNode(*to) + " input '"
            + registry.inputPortName(*to, edge.toPort) + "'";
    if (edgeInto(edge.toNode, edge.toPort))
        return "input '" + registry.inputPortName(*to, edge.toPort) + "' of " + describeNode(*to)
            + " is already connected";
    if (reaches(edge.toNode, edge.fromNode))
        return "would create a cycle: " + describeNode(*to) + " already leads to "
            + describeNode(*from);
    return {};
}

std::string Graph::endpointProblem(const Edge& edge, const LayerRegistry& registry) const
{
    const Node* from = node(edge.fromNode);
    const Node* to = node(edge.toNode);
    if (!from)
        return "node " + std::to_string(edge.fromNode) + " does not exist";
    if (!to)
        return "node " + std::to_string(edge.toNode) + " does not exist";
    for (const Node* n : {from, to}) {
        if (!registry.find(n->type))
            return describeNode(*n) + " has an unknown layer type";
    }
    if (edge.fromPort < 0 || edge.fromPort >= registry.outputCount(*from))
        return describeNode(*from) + " has no output port " + std::to_string(edge.fromPort);
    if (edge.toPort < 0 || edge.toPort >= registry.inputCount(*to))
        return describeNode(*to) + " has no input port " + std::to_string(edge.toPort);
    if (from == to)
        return "cannot connect " + describeNode(*from) + " to itself";
    return {};
}

bool Graph::reaches(NodeId from, NodeId to) const
{
    std::vector<NodeId> pending{from};
    std::unordered_set<NodeId> seen{from};
    while (!pending.empty()) {
        NodeId current = pending.back();
        pending.pop_back();
        if (current == to)
            return true;
        // Edges are sorted by their source, so a node's outgoing ones sit together.
        auto edge = std::lower_bound(m_edges.begin(), m_edges.end(), current,
                                     [](const Edge& e, NodeId id) { return e.fromNode < id; });
        for (; edge != m_edges.end() && edge->fromNode == current; ++edge) {
            if (seen.insert(edge->toNode).second)
                pending.push_back(edge->toNode);
        }
    }
    return false;
}

std::string Graph::uniqueName(const std::string& base) const
{
    for (int i = 1;; ++i) {
        std::string name = base + std::to_string(i);
        if (!nodeByName(name))
            return name;
    }
}

} // namespace lepton
