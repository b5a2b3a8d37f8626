#pragma once

#include "data/table.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace lepton {

struct CsvOptions {
    char delimiter = 0; // 0: sniffed among , ; tab |
    enum class Header { Auto, Yes, No };
    Header header = Header::Auto;
    int64_t maxRows = -1; // data rows to read, -1 for all (previews read a few)
};

// What a glance at the start of a file suggests, for the live preview.
struct CsvSniff {
    char delimiter = ',';
    bool hasHeader = false;
};

// Reads a delimited UTF-8 text file into a table (see parseCsv). Refuses
// directories, FIFOs and devices before opening them. With maxRows set only
// the start of the file is read. Throws DataError naming the file, or
// DataCancelled when `stop` becomes true.
Table readCsv(const std::string& path, const CsvOptions& options, const std::atomic<bool>* stop = nullptr);

// Parses delimited text: RFC 4180 quoting, CRLF/LF/CR line ends, a UTF-8
// byte-order mark, blank lines skipped, missing markers (see
// isMissingMarker), column kinds inferred (see inferColumn). Headerless
// columns are named column1..columnN. Errors name `sourceName` and the
// 1-based line (and column for bad UTF-8).
Table parseCsv(std::string_view text, const CsvOptions& options, const std::string& sourceName,
               const std::atomic<bool>* stop = nullptr);

// Guesses the delimiter and whether the first line is a header from the
// first bytes of a file; a cut-off last line is ignored. Never throws.
CsvSniff sniffCsv(std::string_view head);

} // namespace lepton
