#include "data/csvtokenizer.h"

#include "data/dataset.h"

#include <array>
#include <cstring>

namespace lepton {

namespace {

constexpr char kQuote = '"';
// How often the stop flag is polled, in records.
constexpr int64_t kStopCheckMask = 4095;
// Records read before the columns reserve room for the rest of the text.
constexpr int64_t kRecordsBeforeReserve = 1024;

[[noreturn]] void fail(const std::string& source, const std::string& problem)
{
    throw DataError(source + ": " + problem);
}

bool isBlank(char c, char delimiter)
{
    return (c == ' ' || c == '\t') && c != delimiter;
}

// Bytes that end an unquoted field: one table lookup per byte in the hot loop.
std::array<bool, 256> fieldEnds(char delimiter)
{
    std::array<bool, 256> ends{};
    ends[static_cast<unsigned char>(delimiter)] = true;
    ends['\n'] = true;
    ends['\r'] = true;
    return ends;
}

// Eight bytes at a time: the first byte from `p` that ends an unquoted field
// (the delimiter, CR or LF), found with the classic "has a zero byte" test.
const char* findFieldEnd(const char* p, const char* end, char delimiter, const std::array<bool, 256>& ends)
{
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHighs = 0x8080808080808080ULL;
    const uint64_t delimiters = kOnes * static_cast<unsigned char>(delimiter);
    const auto hasZero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        if (hasZero(word ^ delimiters) | hasZero(word ^ (kOnes * '\n')) | hasZero(word ^ (kOnes * '\r')))
            break; // one of these eight bytes ends the field
        p += 8;
    }
    while (p < end && !ends[static_cast<unsigned char>(*p)])
        ++p;
    return p;
}

// Steps over one line end (CRLF, LF or CR) at `p`, if there is one.
const char* skipLineEnd(const char* p, const char* end)
{
    if (p < end && *p == '\r')
        ++p;
    if (p < end && *p == '\n')
        ++p;
    return p;
}

bool isContinuation(unsigned char byte)
{
    return (byte & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence starting at `i`, or 0 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t sequenceLength(const unsigned char* bytes, size_t i, size_t size)
{
    const unsigned char lead = bytes[i];
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // bounds of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0;
        else if (lead == 0xED)
            high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;
    } else {
        return 0;
    }
    if (i + length > size || bytes[i + 1] < low || bytes[i + 1] > high)
        return 0;
    for (size_t k = 2; k < length; ++k) {
        if (!isContinuation(bytes[i + k]))
            return 0;
    }
    return length;
}

} // namespace

std::string textPosition(std::string_view text, size_t offset, bool withColumn)
{
    int64_t line = 1;
    size_t lineStart = 0;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
            lineStart = i + 1;
        }
    }
    std::string position = "line " + std::to_string(line);
    if (withColumn) {
        int64_t column = 1;
        for (size_t i = lineStart; i < offset && i < text.size(); ++i)
            column += isContinuation(static_cast<unsigned char>(text[i])) ? 0 : 1;
        position += ", column " + std::to_string(column);
    }
    return position;
}

void checkUtf8(std::string_view text, const std::string& source)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t size = text.size();
    size_t i = 0;
    while (i < size) {
        // Most files are ASCII: test eight bytes at a time for a high bit.
        if (i + 8 <= size) {
            uint64_t word;
            std::memcpy(&word, bytes + i, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        if (bytes[i] < 0x80) {
            ++i;
            continue;
        }
        const size_t length = sequenceLength(bytes, i, size);
        if (length == 0) {
            static const char* const kHex = "0123456789ABCDEF";
            const std::string byte = {'0', 'x', kHex[bytes[i] >> 4], kHex[bytes[i] & 0xF]};
            fail(source, textPosition(text, i, true) + ": invalid UTF-8 (byte " + byte
                             + "); save the file as UTF-8");
        }
        i += length;
    }
}

namespace {

// Splits the text one record at a time.
class RecordReader {
public:
    RecordReader(std::string_view text, char delimiter, const std::string& source, std::deque<std::string>& unescaped)
        : m_text(text)
        , m_p(text.data())
        , m_end(text.data() + text.size())
        , m_delimiter(delimiter)
        , m_ends(fieldEnds(delimiter))
        , m_source(source)
        , m_unescaped(unescaped)
    {
    }

    bool atEnd() const { return m_p >= m_end; }
    size_t offset() const { return size_t(m_p - m_text.data()); }

    // The next record's fields; false for a blank line.
    bool next(std::vector<std::string_view>& fields)
    {
        fields.clear();
        bool blank = true; // one empty unquoted field
        for (;;) {
            const char* q = m_p;
            while (q < m_end && isBlank(*q, m_delimiter))
                ++q;
            if (q < m_end && *q == kQuote) {
                fields.push_back(quoted(q));
                blank = false;
            } else {
                const char* const fieldEnd = findFieldEnd(q, m_end, m_delimiter, m_ends);
                const char* last = fieldEnd;
                while (last > q && isBlank(last[-1], m_delimiter))
                    --last;
                fields.emplace_back(q, size_t(last - q));
                blank = blank && last == q;
                m_p = fieldEnd;
            }
            if (m_p < m_end && *m_p == m_delimiter) {
                ++m_p;
                blank = false;
                continue;
            }
            m_p = skipLineEnd(m_p, m_end);
            return !blank;
        }
    }

private:
    // The field whose opening quote is at `open`, without its quotes.
    std::string_view quoted(const char* open)
    {
        const char* close = open + 1;
        bool doubled = false;
        for (;; close += 2, doubled = true) {
            close = static_cast<const char*>(std::memchr(close, kQuote, size_t(m_end - close)));
            if (!close)
                fail(m_source, textPosition(m_text, size_t(open - m_text.data()))
                                   + ": a quoted field is never closed (no matching '\"')");
            if (close + 1 == m_end || close[1] != kQuote)
                break;
        }
        std::string_view field(open + 1, size_t(close - open - 1));
        if (doubled) {
            std::string& plain = m_unescaped.emplace_back();
            plain.reserve(field.size());
            for (size_t k = 0; k < field.size(); ++k) {
                plain += field[k];
                k += field[k] == kQuote ? 1 : 0; // keep one of each pair
            }
            field = plain;
        }
        m_p = close + 1;
        while (m_p < m_end && isBlank(*m_p, m_delimiter))
            ++m_p;
        if (m_p < m_end && !m_ends[static_cast<unsigned char>(*m_p)])
            fail(m_source, textPosition(m_text, offset(), true) + ": unexpected '" + std::string(1, *m_p)
                               + "' after a closing quote (quotes inside a quoted field are doubled: \"\")");
        return field;
    }

    std::string_view m_text;
    const char* m_p;
    const char* m_end;
    char m_delimiter;
    std::array<bool, 256> m_ends;
    const std::string& m_source;
    std::deque<std::string>& m_unescaped;
};

} // namespace

void tokenizeCsv(std::string_view text, char delimiter, int64_t maxRecords, const std::string& source,
                 const std::atomic<bool>* stop, CsvCells& out)
{
    RecordReader reader(text, delimiter, source, out.unescaped);
    std::vector<std::string_view> fields;
    while (!reader.atEnd() && (maxRecords < 0 || out.records < maxRecords)) {
        if ((out.records & kStopCheckMask) == 0 && stop && stop->load(std::memory_order_relaxed))
            throw DataCancelled(source + ": cancelled");
        const size_t start = reader.offset();
        if (!reader.next(fields))
            continue;
        if (out.records == 0)
            out.columns.resize(fields.size());
        else if (fields.size() != out.columnCount())
            fail(source, textPosition(text, start) + " has " + std::to_string(fields.size())
                             + (fields.size() == 1 ? " field" : " fields") + ", expected "
                             + std::to_string(out.columnCount()));
        for (size_t c = 0; c < fields.size(); ++c)
            out.columns[c].push_back(fields[c]);
        if (++out.records == kRecordsBeforeReserve) {
            // Records so far predict the rest: growing by doubling would copy
            // and fault in the columns several times over.
            const double perRecord = double(reader.offset()) / double(out.records);
            auto expected = int64_t(double(text.size()) / perRecord * 1.05) + 16;
            if (maxRecords >= 0)
                expected = std::min(expected, maxRecords);
            for (auto& column : out.columns)
                column.reserve(size_t(expected));
        }
    }
}

std::vector<size_t> csvFieldCounts(std::string_view text, char delimiter, int maxRecords)
{
    std::vector<size_t> counts;
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p < end && int(counts.size()) < maxRecords) {
        size_t fields = 1;
        bool empty = true;
        bool fieldStart = true; // a quote opens a quoted field only here
        for (; p < end && *p != '\n' && *p != '\r'; ++p) {
            if (*p == kQuote && fieldStart) {
                const char* close = p + 1;
                for (;; close += 2) {
                    close = static_cast<const char*>(std::memchr(close, kQuote, size_t(end - close)));
                    if (!close)
                        return counts; // the text ends inside a quoted field
                    if (close + 1 == end || close[1] != kQuote)
                        break;
                }
                p = close;
                fieldStart = false;
            } else if (*p == delimiter) {
                ++fields;
                fieldStart = true;
            } else if (!isBlank(*p, delimiter)) {
                fieldStart = false;
            }
            empty = empty && isBlank(*p, delimiter);
        }
        p = skipLineEnd(p, end);
        if (!empty)
            counts.push_back(fields);
    }
    return counts;
}

} // namespace lepton
