// The project loader: loadProject on a fuzzed .lepton file, the path the
// workbench and the CLI take. ProjectError is its refusal; anything else that
// escapes is a finding. A project that loads must also survive a save and
// load again unchanged, or the next save would lose or break something.
#include "graph/layerregistry.h"
#include "memoryfile.h"
#include "project/project.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// What saveProject writes, without its atomic file dance.
std::string savedText(const lepton::Project& project)
{
    return lepton::projectToJson(project).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto& registry = lepton::LayerRegistry::builtin();
    const lepton::fuzz::MemoryFile file(data, size);
    lepton::Project project;
    try {
        project = lepton::loadProject(file.path(), registry);
    } catch (const lepton::ProjectError&) {
        return 0;
    }
    const std::string saved = savedText(project);
    const lepton::fuzz::MemoryFile savedFile(reinterpret_cast<const uint8_t*>(saved.data()), saved.size());
    try {
        const std::string again = savedText(lepton::loadProject(savedFile.path(), registry));
        if (again != saved) {
            std::fprintf(stderr, "saving changed the project:\n%s\nthen:\n%s\n", saved.c_str(), again.c_str());
            std::abort();
        }
    } catch (const lepton::ProjectError& error) {
        std::fprintf(stderr, "a loaded project does not load after saving: %s\n%s\n", error.what(),
                     saved.c_str());
        std::abort();
    }
    return 0;
}
