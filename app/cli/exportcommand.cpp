#include "commands.h"

#include "export/exporter.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <stdexcept>

namespace lepton::cli {

int runExport(const ExportOptions& options)
{
    lepton::ExportOptions exportOptions;
    if (options.format == "all") {
        exportOptions.formats = allExportFormats();
    } else if (const std::optional<ExportFormat> format = exportFormatFromName(options.format)) {
        exportOptions.formats = {*format};
    } else {
        std::string known;
        for (ExportFormat format : allExportFormats())
            known += exportFormatName(format) + ", ";
        throw std::runtime_error("unknown export format '" + options.format + "'; use " + known + "or all");
    }
    exportOptions.halfPrecision = options.half;
    exportOptions.directory = options.outDir.empty() ? options.projectPath + ".d/export" : options.outDir;
    const ExportReport report = exportProject(options.projectPath, options.checkpoint, exportOptions,
                                              [](const std::string& step) { std::cerr << step << "...\n"; });
    if (options.json) {
        std::cout << nlohmann::json{{"files", report.files}, {"summary", report.summary}}.dump(2) << '\n';
    } else {
        std::cout << "exported " << options.projectPath << ":\n";
        for (const std::string& line : report.summary)
            std::cout << "  " << line << '\n';
    }
    return 0;
}

} // namespace lepton::cli
