#pragma once

// Large project files of the shapes that once made loading slow: a `ui` of
// a million empty objects, 100,000 unconnected layers, a long chain whose
// edges are listed last to first. bench_project_load times them;
// tst_project checks they load whole.

#include <string>

namespace lepton::testing {

inline std::string projectNode(int id, const std::string& type, const std::string& params = "{}")
{
    return "{\"id\": " + std::to_string(id) + ", \"name\": \"n" + std::to_string(id) + "\", \"type\": \"" + type
           + "\", \"params\": " + params + "}";
}

inline std::string projectEdge(int from, int to)
{
    return "{\"from\": {\"node\": " + std::to_string(from) + ", \"port\": 0}, \"to\": {\"node\": " + std::to_string(to)
           + ", \"port\": 0}}";
}

inline std::string projectText(const std::string& nodes, const std::string& edges, const std::string& ui = "{}")
{
    return "{\"schema_version\": 2, \"name\": \"bench\", \"graph\": {\"nodes\": [" + nodes + "], \"edges\": [" + edges
           + "]}, \"dataset\": {\"source\": \"synthetic\"}, \"training\": {}, \"ui\": " + ui + "}";
}

// Input -> `relus` ReLUs -> Output, the edges listed last to first.
inline std::string reversedChain(int relus)
{
    std::string nodes = projectNode(1, "Input", "{\"shape\": [8]}");
    for (int id = 2; id < relus + 2; ++id)
        nodes += ", " + projectNode(id, "ReLU");
    nodes += ", " + projectNode(relus + 2, "Output");
    std::string edges;
    for (int to = relus + 2; to >= 2; --to)
        edges += (edges.empty() ? "" : ", ") + projectEdge(to - 1, to);
    return projectText(nodes, edges);
}

inline std::string unconnected(int layers)
{
    std::string nodes;
    for (int id = 1; id <= layers; ++id)
        nodes += (id > 1 ? ", " : "") + projectNode(id, "ReLU");
    return projectText(nodes, "");
}

inline std::string emptyObjects(int count)
{
    std::string ui = "{\"many\": [";
    for (int i = 0; i < count; ++i)
        ui += i ? ", {}" : "{}";
    return projectText(projectNode(1, "Input", "{\"shape\": [8]}"), "", ui + "]}");
}

} // namespace lepton::testing
