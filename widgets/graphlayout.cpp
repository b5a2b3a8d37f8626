#include "graphlayout.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lepton {

namespace {

constexpr int kSweeps = 24;
constexpr double kPortNudge = 0.01; // orders an Add's inputs by port among ties

// One entry of a column: a node, or a lane of an edge passing through.
struct Slot {
    NodeId id = 0; // 0 for a lane
    int layer = 0;
    double height = 0;
    std::vector<std::pair<int, int>> up;   // (slot, port on that side)
    std::vector<std::pair<int, int>> down;
};

class Layering {
public:
    Layering(const Graph& graph, const LayoutMetrics& metrics)
        : m_graph(graph)
        , m_metrics(metrics)
    {
        assignLayers();
        buildSlots();
        orderColumns();
    }

    std::map<NodeId, Position> place() const;

private:
    void assignLayers();
    void buildSlots();
    void orderColumns();
    void sweep(bool downwards);
    int crossings() const;

    const Graph& m_graph;
    const LayoutMetrics& m_metrics;
    std::map<NodeId, int> m_layer;
    std::vector<Slot> m_slots;
    std::vector<std::vector<int>> m_columns; // slot indices, top to bottom
    std::vector<double> m_rank;              // index of each slot in its column
};

void Layering::assignLayers()
{
    // Longest path from the sources, in topological order (Kahn).
    std::map<NodeId, int> indegree;
    for (const Node& node : m_graph.nodes())
        indegree[node.id] = 0;
    for (const Edge& edge : m_graph.edges())
        ++indegree[edge.toNode];
    std::vector<NodeId> ready;
    for (const Node& node : m_graph.nodes()) {
        if (indegree[node.id] == 0)
            ready.push_back(node.id);
        m_layer[node.id] = 0;
    }
    while (!ready.empty()) {
        const NodeId id = ready.back();
        ready.pop_back();
        for (const Edge& edge : m_graph.edgesOf(id)) {
            if (edge.fromNode != id)
                continue;
            m_layer[edge.toNode] = std::max(m_layer[edge.toNode], m_layer[id] + 1);
            if (--indegree[edge.toNode] == 0)
                ready.push_back(edge.toNode);
        }
    }
}

void Layering::buildSlots()
{
    std::map<NodeId, int> slotOf;
    int layers = 0;
    for (const Node& node : m_graph.nodes()) {
        slotOf[node.id] = int(m_slots.size());
        m_slots.push_back({node.id, m_layer[node.id], m_metrics.nodeHeight(node), {}, {}});
        layers = std::max(layers, m_layer[node.id] + 1);
    }
    for (const Edge& edge : m_graph.edges()) {
        int from = slotOf[edge.fromNode];
        int fromPort = edge.fromPort;
        const int to = slotOf[edge.toNode];
        for (int layer = m_slots[size_t(from)].layer + 1; layer < m_slots[size_t(to)].layer; ++layer) {
            const int lane = int(m_slots.size());
            m_slots.push_back({0, layer, 0.0, {{from, fromPort}}, {}});
            m_slots[size_t(from)].down.push_back({lane, 0});
            from = lane;
            fromPort = 0;
        }
        m_slots[size_t(from)].down.push_back({to, edge.toPort});
        m_slots[size_t(to)].up.push_back({from, fromPort});
    }
    // Start from the order the user drew: top to bottom.
    m_columns.assign(size_t(layers), {});
    for (int slot = 0; slot < int(m_slots.size()); ++slot)
        m_columns[size_t(m_slots[size_t(slot)].layer)].push_back(slot);
    auto drawnY = [this](int slot) {
        const NodeId id = m_slots[size_t(slot)].id;
        return id ? m_graph.node(id)->position.y : std::numeric_limits<double>::max();
    };
    m_rank.assign(m_slots.size(), 0);
    for (std::vector<int>& column : m_columns) {
        std::stable_sort(column.begin(), column.end(), [&](int a, int b) { return drawnY(a) < drawnY(b); });
        for (size_t i = 0; i < column.size(); ++i)
            m_rank[size_t(column[i])] = double(i);
    }
}

void Layering::orderColumns()
{
    std::vector<std::vector<int>> best = m_columns;
    int fewest = crossings();
    for (int i = 0; i < kSweeps && fewest > 0; ++i) {
        sweep(i % 2 == 0);
        const int now = crossings();
        if (now < fewest) {
            fewest = now;
            best = m_columns;
        }
    }
    m_columns = best;
    for (const std::vector<int>& column : m_columns) {
        for (size_t i = 0; i < column.size(); ++i)
            m_rank[size_t(column[i])] = double(i);
    }
}

void Layering::sweep(bool downwards)
{
    const int count = int(m_columns.size());
    for (int step = 1; step < count; ++step) {
        std::vector<int>& column = m_columns[size_t(downwards ? step : count - 1 - step)];
        std::vector<double> barycentre(m_slots.size());
        for (int slot : column) {
            const auto& neighbours = downwards ? m_slots[size_t(slot)].up : m_slots[size_t(slot)].down;
            if (neighbours.empty()) {
                barycentre[size_t(slot)] = m_rank[size_t(slot)];
                continue;
            }
            double sum = 0;
            for (const auto& [other, port] : neighbours)
                sum += m_rank[size_t(other)] + kPortNudge * port;
            barycentre[size_t(slot)] = sum / double(neighbours.size());
        }
        std::stable_sort(column.begin(), column.end(),
                         [&](int a, int b) { return barycentre[size_t(a)] < barycentre[size_t(b)]; });
        for (size_t i = 0; i < column.size(); ++i)
            m_rank[size_t(column[i])] = double(i);
    }
}

int Layering::crossings() const
{
    int total = 0;
    for (const std::vector<int>& column : m_columns) {
        std::vector<std::pair<double, double>> segments;
        for (int slot : column) {
            for (const auto& [other, port] : m_slots[size_t(slot)].down)
                segments.push_back({m_rank[size_t(slot)], m_rank[size_t(other)] + kPortNudge * port});
        }
        for (size_t i = 0; i < segments.size(); ++i) {
            for (size_t j = i + 1; j < segments.size(); ++j) {
                const auto& [a1, b1] = segments[i];
                const auto& [a2, b2] = segments[j];
                total += (a1 - a2) * (b1 - b2) < 0;
            }
        }
    }
    return total;
}

std::map<NodeId, Position> Layering::place() const
{
    // Each slot wants the y of its predecessors' median, then slides down
    // just enough to clear the one above it.
    std::vector<double> y(m_slots.size(), 0.0);
    for (const std::vector<int>& column : m_columns) {
        double bottom = -std::numeric_limits<double>::infinity();
        for (int slot : column) {
            const Slot& current = m_slots[size_t(slot)];
            double wanted = bottom == -std::numeric_limits<double>::infinity() ? 0.0 : bottom;
            if (!current.up.empty()) {
                std::vector<double> above;
                for (const auto& [other, port] : current.up)
                    above.push_back(y[size_t(other)]);
                std::sort(above.begin(), above.end());
                wanted = above[(above.size() - 1) / 2];
            }
            y[size_t(slot)] = std::max(wanted, bottom);
            bottom = y[size_t(slot)] + current.height + m_metrics.rowGap;
        }
    }

    double oldLeft = std::numeric_limits<double>::max();
    double oldTop = std::numeric_limits<double>::max();
    for (const Node& node : m_graph.nodes()) {
        oldLeft = std::min(oldLeft, node.position.x);
        oldTop = std::min(oldTop, node.position.y);
    }
    double newTop = std::numeric_limits<double>::max();
    for (const Slot& slot : m_slots) {
        if (slot.id)
            newTop = std::min(newTop, y[size_t(&slot - m_slots.data())]);
    }
    std::map<NodeId, Position> positions;
    const double column = m_metrics.nodeWidth + m_metrics.columnGap;
    for (size_t i = 0; i < m_slots.size(); ++i) {
        if (m_slots[i].id)
            positions[m_slots[i].id] = {std::round(oldLeft + m_slots[i].layer * column),
                                        std::round(oldTop + y[i] - newTop)};
    }
    return positions;
}

} // namespace

std::map<NodeId, Position> layeredLayout(const Graph& graph, const LayoutMetrics& metrics)
{
    if (graph.nodes().empty())
        return {};
    return Layering(graph, metrics).place();
}

} // namespace lepton
