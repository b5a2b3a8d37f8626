#include "data/csvreader.h"

#include "data/columninference.h"
#include "data/csvtokenizer.h"
#include "data/dataset.h"
#include "util/atomicfile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lepton {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kSniffBytes = 64 * 1024;
constexpr int kSniffRecords = 30;
constexpr int64_t kSniffHeaderRecords = 200;
constexpr size_t kReadChunk = size_t(16) << 20;
constexpr size_t kPreviewChunk = size_t(1) << 20;
constexpr size_t kEndProbe = 64 * 1024;

[[noreturn]] void fail(const std::string& source, const std::string& problem)
{
    throw DataError(source + ": " + problem);
}

std::string_view withoutBom(std::string_view text)
{
    if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom)
        text.remove_prefix(kUtf8Bom.size());
    return text;
}

// `text` up to its last line break, when at least `minLines` whole lines
// precede a cut-off last line.
std::string_view wholeLines(std::string_view text, int minLines)
{
    const size_t last = text.find_last_of("\r\n");
    if (last == std::string_view::npos || last + 1 == text.size())
        return text;
    const std::string_view whole = text.substr(0, last + 1);
    auto lines = std::count(whole.begin(), whole.end(), '\n');
    if (lines == 0)
        lines = std::count(whole.begin(), whole.end(), '\r'); // old Mac line ends
    return lines >= minLines ? whole : text;
}

// The candidate that splits every one of the first records into the same
// number (> 1) of fields. Tab and semicolon files often hold commas inside
// values (decimal commas, prose), so a consistent tab or semicolon wins over
// a consistent comma; between comma and pipe the one giving more fields wins.
// With no consistent candidate, the one whose first record's field count
// most records share.
char sniffDelimiter(std::string_view head)
{
    const char candidates[] = {'\t', ';', ',', '|'}; // in order of preference
    char best = 0;
    size_t bestFields = 0;
    char fallback = ',';
    int64_t fallbackAgreeing = 0;
    for (const char delimiter : candidates) {
        const std::vector<size_t> counts = csvFieldCounts(head, delimiter, kSniffRecords);
        if (counts.empty() || counts[0] < 2)
            continue;
        const auto agreeing = std::count(counts.begin(), counts.end(), counts[0]);
        if (size_t(agreeing) == counts.size()) {
            if (!best || (best == ',' && counts[0] > bestFields))
                best = delimiter, bestFields = counts[0];
        } else if (agreeing > fallbackAgreeing) {
            fallback = delimiter;
            fallbackAgreeing = agreeing;
        }
    }
    return best ? best : fallback;
}

// Names from the header record: blanks become columnN, repeats get ".1", ".2".
std::vector<std::string> columnNames(const CsvCells& cells, bool header)
{
    std::vector<std::string> names;
    std::unordered_set<std::string> used;
    std::unordered_map<std::string, int> repeats; // the next suffix to try, per name
    for (size_t c = 0; c < cells.columnCount(); ++c) {
        std::string name = header ? std::string(cells.at(0, c)) : std::string();
        if (name.empty())
            name = "column" + std::to_string(c + 1);
        const std::string base = name;
        while (used.count(name))
            name = base + "." + std::to_string(++repeats[base]);
        used.insert(name);
        names.push_back(std::move(name));
    }
    return names;
}

// Bytes of `text` that hold its first `records` non-blank lines (records,
// but for quoted line breaks; a stray quote only makes it read further), or
// npos when it holds fewer.
size_t recordsEnd(std::string_view text, int64_t records)
{
    bool quoted = false;
    bool content = false;
    int64_t seen = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"')
            quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) {
            if (content && ++seen == records)
                return i + 1;
            content = false;
        } else {
            content = true;
        }
    }
    return std::string_view::npos;
}

struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
};

// Appends up to `want` bytes of the file; returns how many came (0 at its end).
size_t readMore(int fd, std::string& text, size_t want, const std::string& path)
{
    const size_t size = text.size();
    text.resize(size + want);
    ssize_t got = 0;
    do {
        got = ::read(fd, text.data() + size, want);
    } while (got < 0 && errno == EINTR);
    text.resize(size + size_t(std::max<ssize_t>(got, 0)));
    if (got < 0)
        fail(path, std::string("cannot read: ") + std::strerror(errno));
    return size_t(got);
}

// The whole file, or (records >= 0) at least its first `records` records.
// Opened non-blocking and checked again after opening, so a FIFO swapped in
// meanwhile cannot hang the read.
std::string readText(const std::string& path, int64_t records, const std::atomic<bool>* stop)
{
    if (const std::string reason = irregularFileReason(path); !reason.empty())
        fail(path, reason);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        fail(path, std::string("cannot open: ") + std::strerror(errno));
    const FileCloser closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
        fail(path, "is not a regular file");

    std::string text;
    // Room for the whole file and the read that finds its end, so the
    // buffer is never copied; a preview doubles its reads instead, which
    // keeps rescanning for record ends linear.
    text.reserve(records >= 0 ? kPreviewChunk : size_t(info.st_size) + kEndProbe);
    for (;;) {
        if (stop && stop->load(std::memory_order_relaxed))
            throw DataCancelled(path + ": cancelled");
        size_t want = std::max(kPreviewChunk, text.size());
        if (records < 0)
            want = text.capacity() > text.size() ? std::min(kReadChunk, text.capacity() - text.size()) : kReadChunk;
        if (readMore(fd, text, want, path) == 0)
            break;
        if (records >= 0) {
            const size_t end = recordsEnd(text, records);
            if (end != std::string_view::npos) {
                text.resize(end);
                break;
            }
        }
    }
    return text;
}

// Records to read for `maxRows` data rows: one more, the header or one to
// drop; -1 for all.
int64_t recordLimit(int64_t maxRows)
{
    return maxRows >= 0 && maxRows < std::numeric_limits<int64_t>::max() ? maxRows + 1 : -1;
}

} // namespace

Table parseCsv(std::string_view text, const CsvOptions& options, const std::string& sourceName,
               const std::atomic<bool>* stop)
{
    if (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF")
        fail(sourceName, "the file is UTF-16; save it as UTF-8");
    text = withoutBom(text);
    if (text.empty())
        fail(sourceName, "the file is empty");
    checkUtf8(text, sourceName);
    const char delimiter = options.delimiter
        ? options.delimiter
        : sniffDelimiter(text.size() > kSniffBytes ? wholeLines(text.substr(0, kSniffBytes), 1) : text);
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
        fail(sourceName, "a quote or line break cannot be the delimiter");

    using Header = CsvOptions::Header;
    CsvCells cells;
    tokenizeCsv(text, delimiter, recordLimit(options.maxRows), sourceName, stop, cells);
    if (cells.records == 0)
        fail(sourceName, "the file holds only blank lines");

    Table table;
    table.source = sourceName;
    table.hasHeader = options.header == Header::Yes || (options.header == Header::Auto && looksLikeHeader(cells));
    const int64_t first = table.hasHeader ? 1 : 0;
    table.rows = cells.records - first;
    if (options.maxRows >= 0)
        table.rows = std::min(table.rows, options.maxRows);
    if (table.rows == 0 && options.maxRows != 0)
        fail(sourceName, "no data rows below the header line");

    const std::vector<std::string> names = columnNames(cells, table.hasHeader);
    table.columns.reserve(cells.columnCount());
    for (size_t c = 0; c < cells.columnCount(); ++c) {
        table.columns.push_back(inferColumn(names[c], CellColumn{&cells.columns[c], first, table.rows}, sourceName, stop));
        cells.columns[c] = {}; // done with: keeps the peak memory down
    }
    return table;
}

Table readCsv(const std::string& path, const CsvOptions& options, const std::atomic<bool>* stop)
{
    try {
        const std::string text = readText(path, recordLimit(options.maxRows), stop);
        return parseCsv(text, options, path, stop);
    } catch (const std::bad_alloc&) {
        fail(path, "the file is too large to load into memory");
    }
}

CsvSniff sniffCsv(std::string_view head)
{
    CsvSniff sniff;
    head = wholeLines(withoutBom(head), 2);
    sniff.delimiter = sniffDelimiter(head);
    try {
        CsvCells cells;
        tokenizeCsv(head, sniff.delimiter, kSniffHeaderRecords, "", nullptr, cells);
        sniff.hasHeader = looksLikeHeader(cells);
    } catch (const DataError&) {
        // A cut-off quoted field or a ragged line: no opinion on the header.
    }
    return sniff;
}

} // namespace lepton
