#pragma once

#include <string>

namespace lepton {

// Writes one exported file whole (atomically: a temporary file renamed into
// place), so a failed export never leaves half a file. Throws ExportError
// naming the file and the system's reason.
void writeExportFile(const std::string& path, const std::string& contents);

} // namespace lepton
