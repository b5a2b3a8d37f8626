#pragma once

#include "graph/block.h"

#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// The user's own blocks, one plain JSON file per block in a folder the front
// end picks (the GUI: its application data folder), so they can be copied,
// shared and kept under version control. A file reads
//   {"schema_version": 1, "block": {"name": "res", ...}}
// with the block in the form a project's "blocks" entries take.
struct BlockLibrary {
    std::vector<BlockDefinition> blocks; // in file name order
    // One line per file that was skipped, "<file>: <json.path>: <problem>";
    // a broken file never hides the others.
    std::vector<std::string> problems;
};

// Every *.json file in `folder` (hidden files, such as half-written saves,
// are not read). A folder that does not exist yet is an empty library.
// Never throws for a bad file or an unreadable folder: both are problems.
BlockLibrary loadBlockLibrary(const std::string& folder, const LayerRegistry& registry);

// Writes the block atomically into `folder` (created if missing) and returns
// the file's path: the file loadBlockLibrary takes a block of this name from
// if there is one, else blockFileName(), numbered ("res-2.json") when that
// file holds another block. Throws std::invalid_argument for an unnamed
// block, std::runtime_error naming the file or folder when writing fails.
std::string saveBlockToLibrary(const BlockDefinition& block, const std::string& folder);

// A safe file name for a block name: ASCII letters, digits, '-' and '_'
// only, every other run of characters one '_', so no path separator, NUL or
// leading dot survives. "../x/evil\n" -> "x_evil.json"; "block.json" if
// nothing is left.
std::string blockFileName(const std::string& blockName);

} // namespace lepton
