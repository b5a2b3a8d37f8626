#include "project/blocklibrary.h"

#include "project/blockjson.h"
#include "project/jsonreader.h"
#include "project/project.h"
#include "util/atomicfile.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <system_error>

namespace lepton {

namespace fs = std::filesystem;

namespace {

// Long enough to tell blocks apart, far below any file system's name limit.
constexpr size_t kMaxStemLength = 64;

BlockDefinition readBlockFile(const std::string& path, const LayerRegistry& registry)
{
    const nlohmann::json json = readJsonFile(path);
    try {
        const JsonReader root(json, {});
        root.rejectUnknownKeys({"schema_version", "block"});
        checkSchemaVersion(root.at("schema_version"));
        return blockFromJson(root.at("block"), registry);
    } catch (const ProjectError& error) {
        throw ProjectError(path, error.jsonPath(), error.problem());
    }
}

// The name of the block a library file holds, or "" if it cannot be read:
// enough to decide whether saving may replace it, without a registry.
std::string blockNameIn(const fs::path& file)
{
    try {
        const nlohmann::json json = readJsonFile(file.string());
        const nlohmann::json& name = json.at("block").at("name");
        return name.is_string() ? name.get<std::string>() : std::string();
    } catch (const std::exception&) {
        return {};
    }
}

// The *.json files of a library in name order. Hidden files are left out:
// half-written saves (util/atomicfile.h) start with a dot.
std::vector<fs::path> libraryFiles(const std::string& folder, std::error_code& error)
{
    std::vector<fs::path> files;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        const fs::path& path = it->path();
        std::error_code typeError;
        if (path.extension() == ".json" && path.filename().string().front() != '.'
            && it->is_regular_file(typeError))
            files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool isAsciiWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_';
}

std::string fileStem(const std::string& blockName)
{
    std::string stem;
    for (char c : blockName) {
        if (isAsciiWordChar(c))
            stem += c;
        else if (!stem.empty() && stem.back() != '_')
            stem += '_';
        if (stem.size() == kMaxStemLength)
            break;
    }
    // A leading '-' would read as an option to command-line tools.
    const size_t first = stem.find_first_not_of("-_");
    const size_t last = stem.find_last_not_of("-_");
    return first == std::string::npos ? "block" : stem.substr(first, last - first + 1);
}

} // namespace

std::string blockFileName(const std::string& blockName)
{
    return fileStem(blockName) + ".json";
}

BlockLibrary loadBlockLibrary(const std::string& folder, const LayerRegistry& registry)
{
    BlockLibrary library;
    std::error_code error;
    if (!fs::exists(folder, error))
        return library;
    const std::vector<fs::path> files = libraryFiles(folder, error);
    if (error)
        library.problems.push_back(folder + ": cannot read the folder: " + error.message());

    std::map<std::string, std::string> fileOf; // block name -> the file it was taken from
    for (const fs::path& file : files) {
        try {
            BlockDefinition block = readBlockFile(file.string(), registry);
            const auto [holder, added] = fileOf.emplace(block.name, file.filename().string());
            if (!added)
                throw ProjectError(file.string(), "block.name",
                                   "block '" + block.name + "' is already in " + holder->second);
            library.blocks.push_back(std::move(block));
        } catch (const ProjectError& problem) {
            library.problems.push_back(problem.what());
        }
    }
    return library;
}

std::string saveBlockToLibrary(const BlockDefinition& block, const std::string& folder)
{
    if (block.name.empty())
        throw std::invalid_argument("a block needs a name");
    std::error_code error;
    fs::create_directories(folder, error);
    if (error)
        throw std::runtime_error("cannot create the block library folder '" + folder
                                 + "': " + error.message());

    // Replace the file loading takes this block from, so the save shows.
    const std::vector<fs::path> files = libraryFiles(folder, error);
    auto own = std::find_if(files.begin(), files.end(),
                            [&block](const fs::path& file) { return blockNameIn(file) == block.name; });
    fs::path file;
    if (own != files.end()) {
        file = *own;
    } else {
        // A file of another block may have the same name: keep it, number this one.
        const std::string stem = fileStem(block.name);
        file = fs::path(folder) / (stem + ".json");
        for (int n = 2; fs::exists(file, error); ++n)
            file = fs::path(folder) / (stem + "-" + std::to_string(n) + ".json");
    }

    const nlohmann::ordered_json json = {{"schema_version", kProjectSchemaVersion},
                                         {"block", blockToJson(block)}};
    writeFileAtomically(file.string(),
                        json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return file.string();
}

} // namespace lepton
