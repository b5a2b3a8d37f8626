// Prints how long loading and checking hostile-but-legal project files takes:
// a `ui` of a million empty objects, 100,000 unconnected layers, and a
// 20,000-layer chain whose edges are listed last to first. Loading must grow
// linearly with the file. Figures, never assertions.
//
//     build/bin/bench_project_load

#include "benchkit.h"
#include "graph/shapeinference.h"
#include "project/project.h"
#include "util/atomicfile.h"

#include "common/largeprojects.h"

#include <cstdio>
#include <filesystem>

using namespace lepton;
using namespace lepton::testing;

namespace {

void measure(const char* what, const std::string& text)
{
    const std::string path = (std::filesystem::temp_directory_path() / "lepton-bench-load.lepton").string();
    writeFileAtomically(path, text);
    const double ms = lepton::bench::medianMs(3, [&] {
        const Project loaded = loadProject(path, LayerRegistry::builtin());
        inferShapes(loaded.graph, LayerRegistry::builtin());
    });
    std::printf("%-44s %6.1f MB  load and check %9.1f ms\n", what, text.size() / 1e6, ms);
    std::fflush(stdout);
    std::filesystem::remove(path);
}

} // namespace

int main()
{
    for (int relus : {2000, 5000, 20000})
        measure(("chain of " + std::to_string(relus) + " layers, edges last to first").c_str(), reversedChain(relus));
    for (int layers : {10000, 100000})
        measure((std::to_string(layers) + " unconnected layers").c_str(), unconnected(layers));
    for (int count : {100000, 1000000})
        measure(("ui holding " + std::to_string(count) + " {}").c_str(), emptyObjects(count));
    return 0;
}
