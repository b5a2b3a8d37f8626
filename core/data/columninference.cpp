#include "data/columninference.h"

#include "data/dataset.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace lepton {

namespace {

constexpr int64_t kStopCheckMask = 65535;
constexpr int64_t kHeaderSample = 1000;
constexpr int64_t kFewLevels = 20;
constexpr int64_t kMaxLevels = 1000;

void checkStop(const std::atomic<bool>* stop, int64_t row, const std::string& source)
{
    if ((row & kStopCheckMask) == 0 && stop && stop->load(std::memory_order_relaxed))
        throw DataCancelled(source + ": cancelled");
}

bool equalsIgnoringCase(std::string_view text, std::string_view lower)
{
    if (text.size() != lower.size())
        return false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// Plain decimals ("-12.375") of at most 15 digits: the digits form an exact
// integer and the power of ten is exact, so one division rounds correctly and
// gives the same double as from_chars, only sooner (Clinger's fast path).
// Anything else returns false.
bool parseShortDecimal(std::string_view cell, double& value)
{
    constexpr int kMaxDigits = 15;
    static const double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* p = cell.data();
    const char* const end = p + cell.size();
    const bool negative = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+'))
        ++p;
    uint64_t digits = 0;
    int count = 0;
    int fraction = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p, ++count)
        digits = digits * 10 + uint64_t(*p - '0');
    if (p < end && *p == '.') {
        for (++p; p < end && *p >= '0' && *p <= '9'; ++p, ++count, ++fraction)
            digits = digits * 10 + uint64_t(*p - '0');
    }
    if (p != end || count == 0 || count > kMaxDigits)
        return false;
    value = double(digits) / kPowersOfTen[fraction];
    value = negative ? -value : value;
    return true;
}

// Fills `column` as Categorical, or returns false when it has too many
// distinct values for that.
bool tryCategorical(TableColumn& column, const CellColumn& cells, const std::string& source,
                    const std::atomic<bool>* stop)
{
    int64_t missing = 0;
    for (int64_t row = 0; row < cells.rows; ++row)
        missing += isMissingMarker(cells[row]) ? 1 : 0;
    const int64_t limit = std::max(kFewLevels, std::min(kMaxLevels, (cells.rows - missing) / 20));

    std::unordered_map<std::string_view, int32_t> codes;
    column.codes.resize(static_cast<size_t>(cells.rows));
    for (int64_t row = 0; row < cells.rows; ++row) {
        checkStop(stop, row, source);
        const std::string_view cell = cells[row];
        int32_t code = -1;
        if (!isMissingMarker(cell)) {
            const auto [it, added] = codes.try_emplace(cell, int32_t(codes.size()));
            if (added && int64_t(codes.size()) > limit)
                return false;
            code = it->second;
        }
        column.codes[static_cast<size_t>(row)] = code;
    }
    column.levels.resize(codes.size());
    for (const auto& [text, code] : codes)
        column.levels[static_cast<size_t>(code)] = std::string(text);
    column.missing = missing;
    return true;
}

} // namespace

bool isMissingMarker(std::string_view cell)
{
    cell = trimmed(cell);
    switch (cell.size()) {
    case 0:
        return true;
    case 1:
        return cell[0] == '?';
    case 2:
        return equalsIgnoringCase(cell, "na");
    case 3:
        return equalsIgnoringCase(cell, "n/a") || equalsIgnoringCase(cell, "nan");
    case 4:
        return equalsIgnoringCase(cell, "null");
    default:
        return false;
    }
}

bool parseNumber(std::string_view cell, double& value)
{
    if (parseShortDecimal(cell, value))
        return true;
    cell = trimmed(cell);
    // from_chars takes no '+'; a sign after it ("+-1") stays invalid.
    if (cell.size() > 1 && cell[0] == '+' && cell[1] != '-' && cell[1] != '+')
        cell.remove_prefix(1);
    const char* const end = cell.data() + cell.size();
    const auto result = std::from_chars(cell.data(), end, value);
    return result.ec == std::errc() && result.ptr == end && std::isfinite(value);
}

TableColumn inferColumn(std::string name, const CellColumn& cells, const std::string& source,
                        const std::atomic<bool>* stop)
{
    TableColumn column;
    column.name = std::move(name);
    const auto rows = static_cast<size_t>(cells.rows);

    column.kind = ColumnKind::Numeric;
    column.numbers.resize(rows);
    bool numeric = true;
    for (int64_t row = 0; row < cells.rows && numeric; ++row) {
        checkStop(stop, row, source);
        const std::string_view cell = cells[row];
        double& value = column.numbers[static_cast<size_t>(row)];
        if (parseNumber(cell, value))
            continue;
        value = std::numeric_limits<double>::quiet_NaN();
        if (isMissingMarker(cell))
            ++column.missing;
        else
            numeric = false;
    }
    if (numeric)
        return column;
    column.numbers = {};
    column.missing = 0;

    column.kind = ColumnKind::Categorical;
    if (tryCategorical(column, cells, source, stop))
        return column;
    column.codes = {};
    column.levels = {};

    column.kind = ColumnKind::Text;
    column.texts.resize(rows);
    for (int64_t row = 0; row < cells.rows; ++row) {
        checkStop(stop, row, source);
        const std::string_view cell = cells[row];
        if (isMissingMarker(cell))
            ++column.missing;
        else
            column.texts[static_cast<size_t>(row)] = std::string(cell);
    }
    return column;
}

bool looksLikeHeader(const CsvCells& cells)
{
    if (cells.records == 0)
        return false;
    double number = 0;
    for (size_t c = 0; c < cells.columnCount(); ++c) {
        const std::string_view name = cells.at(0, c);
        if (isMissingMarker(name) || parseNumber(name, number))
            return false;
    }
    const int64_t below = std::min(cells.records - 1, kHeaderSample);
    if (below == 0)
        return true; // a lone row of names: a header with no data yet
    bool numbersBelow = false;
    bool namesNew = true;
    for (size_t c = 0; c < cells.columnCount(); ++c) {
        const std::string_view name = cells.at(0, c);
        bool allNumbers = true;
        int64_t present = 0;
        for (int64_t row = 1; row <= below; ++row) {
            const std::string_view cell = cells.at(row, c);
            if (isMissingMarker(cell))
                continue;
            ++present;
            allNumbers = allNumbers && parseNumber(cell, number);
            namesNew = namesNew && cell != name;
        }
        numbersBelow = numbersBelow || (allNumbers && present > 0);
    }
    return numbersBelow || namesNew;
}

} // namespace lepton
