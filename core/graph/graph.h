#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// Stable node identity: never reused within a graph, so saved weights and undo
// commands can refer to a node after other edits.
using NodeId = int;

struct Position {
    double x = 0.0;
    double y = 0.0;
};

struct Node {
    NodeId id = 0;
    std::string name; // unique within the graph, shown to the user ("fc1")
    std::string type; // LayerSpec::type ("Linear")
    nlohmann::json params = nlohmann::json::object();
    Position position;
};

// A connection from an output port of one node to an input port of another.
struct Edge {
    NodeId fromNode = 0;
    int fromPort = 0;
    NodeId toNode = 0;
    int toPort = 0;

    bool operator==(const Edge& other) const;
    bool operator!=(const Edge& other) const { return !(*this == other); }
    bool operator<(const Edge& other) const;
};

// The network as the user drew it. Nodes are kept in id order (ids grow with
// each new node, so this is creation order) and edges in Edge::operator<
// order: undoing a deletion puts everything back exactly where it was, and
// saved files list both canonically.
// Graph keeps ids consistent (no edge to a missing node) but does not judge
// layer semantics; canConnect() and inferShapes() do that with a registry.
class Graph {
public:
    Graph() = default;
    // Every node and edge at once, in any order: what a loaded file holds,
    // sorted in O(n log n) rather than inserted one by one. Throws
    // std::invalid_argument for a duplicate or negative id, an edge to a
    // missing node or an edge listed twice; callers check ports and cycles
    // first (endpointProblem(), graphjson.cpp).
    explicit Graph(std::vector<Node> nodes, std::vector<Edge> edges = {});

    const std::vector<Node>& nodes() const { return m_nodes; }
    const std::vector<Edge>& edges() const { return m_edges; }

    const Node* node(NodeId id) const;
    Node* node(NodeId id);
    const Node* nodeByName(const std::string& name) const;

    // Adds the node; an id of 0 gets a fresh one. Returns the node's id.
    // Throws std::invalid_argument if the id is already taken.
    NodeId addNode(Node node);
    // Removes the node and every edge touching it; returns the removed edges.
    std::vector<Edge> removeNode(NodeId id);

    // Adds the edge as is; callers check canConnect() first. Throws
    // std::invalid_argument for a missing node or an edge already present.
    void addEdge(const Edge& edge);
    bool removeEdge(const Edge& edge);
    bool hasEdge(const Edge& edge) const;
    std::optional<Edge> edgeInto(NodeId node, int port) const;
    std::vector<Edge> edgesOf(NodeId node) const;

    // Empty string if the edge may be added, otherwise the reason
    // ("'fc1' has no input port 2", "would create a cycle: ...").
    std::string canConnect(const Edge& edge, const LayerRegistry& registry) const;
    // The part of canConnect() that looks at the edge's own ends only: the
    // nodes exist with known types, the ports exist, the ends differ.
    std::string endpointProblem(const Edge& edge, const LayerRegistry& registry) const;

    // True if `to` can be reached from `from` by following edges.
    bool reaches(NodeId from, NodeId to) const;

    NodeId nextId() const { return m_nextId; }
    // "fc" -> "fc1", "fc2", ... the first name not in use.
    std::string uniqueName(const std::string& base) const;

private:
    std::vector<Node> m_nodes;
    std::vector<Edge> m_edges;
    NodeId m_nextId = 1;
};

} // namespace lepton
