#pragma once

#include <string>

namespace lepton {

// Replaces `path` with `contents` so that a crash leaves either the old file
// or the new one, never a mix: temp file in the same folder, fsync, rename.
// Throws std::runtime_error naming the file and the system error.
void writeFileAtomically(const std::string& path, const std::string& contents);

// Whole file as bytes; throws std::runtime_error naming the file.
std::string readFile(const std::string& path);

} // namespace lepton
