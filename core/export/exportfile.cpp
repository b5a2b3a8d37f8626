#include "export/exportfile.h"

#include "export/exporterror.h"
#include "util/atomicfile.h"

namespace lepton {

void writeExportFile(const std::string& path, const std::string& contents)
{
    try {
        writeFileAtomically(path, contents);
    } catch (const std::exception& error) {
        throw ExportError(error.what());
    }
}

} // namespace lepton
