#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace lepton {

// The fields of a delimited text, split but not yet interpreted.
struct CsvCells {
    // One vector per column, one view per record: into the parsed text, or
    // into `unescaped` for quoted fields that held doubled quotes.
    std::vector<std::vector<std::string_view>> columns;
    int64_t records = 0;
    // A deque never moves its strings, so views into them stay valid.
    std::deque<std::string> unescaped;

    size_t columnCount() const { return columns.size(); }
    std::string_view at(int64_t record, size_t column) const { return columns[column][size_t(record)]; }
};

// Splits `text` (RFC 4180: quoted fields may hold delimiters, doubled quotes
// and line breaks; CRLF, LF or CR line ends) into `out`, reading at most
// `maxRecords` records (-1: all). Blank lines are skipped; unquoted fields
// lose surrounding spaces. Throws DataError naming `source` and the line of a
// ragged record or an unterminated quote, DataCancelled when `stop` is set.
void tokenizeCsv(std::string_view text, char delimiter, int64_t maxRecords, const std::string& source,
                 const std::atomic<bool>* stop, CsvCells& out);

// Fields per record of the first `maxRecords` records, for delimiter
// sniffing: never throws, stops at an unterminated quote.
std::vector<size_t> csvFieldCounts(std::string_view text, char delimiter, int maxRecords);

// Throws DataError naming `source`, the line and the column of the first byte
// that is not well-formed UTF-8.
void checkUtf8(std::string_view text, const std::string& source);

// "line 3" or "line 3, column 7" (1-based; column counts characters) of the
// byte at `offset`.
std::string textPosition(std::string_view text, size_t offset, bool withColumn = false);

} // namespace lepton
