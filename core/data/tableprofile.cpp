#include "data/dataprofile.h"
#include "data/profilestats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <unordered_set>

namespace lepton {

namespace {

constexpr size_t kMaxIntegerClasses = 50;
// Rows of one hash that are compared cell by cell: crafted collisions cost
// bounded time (their duplicates may then go uncounted).
constexpr size_t kMaxCompared = 64;

ColumnStats columnStats(const TableColumn& column, int64_t rows)
{
    ColumnStats stats;
    stats.name = column.name;
    stats.kind = columnKindName(column.kind);
    stats.missing = column.missing;
    Moments moments;
    if (column.kind == ColumnKind::Numeric) {
        // Sorting a copy counts distinct values exactly in bounded memory.
        std::vector<double> values;
        values.reserve(column.numbers.size());
        for (double value : column.numbers) {
            if (!std::isnan(value)) {
                moments.add(value);
                values.push_back(value);
            }
        }
        std::sort(values.begin(), values.end());
        stats.distinct = std::unique(values.begin(), values.end()) - values.begin();
        storeMoments(moments, stats);
        return stats;
    }
    storeMoments(moments, stats); // NaN statistics: they do not apply
    stats.count = rows - column.missing;
    if (column.kind == ColumnKind::Categorical) {
        std::vector<bool> used(column.levels.size());
        for (int32_t code : column.codes) {
            if (code >= 0)
                used[size_t(code)] = true;
        }
        stats.distinct = std::count(used.begin(), used.end(), true);
    } else {
        std::unordered_set<std::string_view> seen;
        for (const std::string& text : column.texts) {
            if (!text.empty())
                seen.insert(text);
        }
        stats.distinct = int64_t(seen.size());
    }
    return stats;
}

// Classes of a categorical target, or of a target of few whole numbers.
void classHistogram(const TableColumn& column, DataProfile& profile)
{
    if (column.kind == ColumnKind::Categorical) {
        profile.classNames = column.levels;
        profile.classCounts.assign(column.levels.size(), 0);
        for (int32_t code : column.codes) {
            if (code >= 0)
                ++profile.classCounts[size_t(code)];
        }
    } else if (column.kind == ColumnKind::Numeric) {
        std::map<double, int64_t> counts;
        for (double value : column.numbers) {
            if (std::isnan(value))
                continue;
            if (value != std::floor(value))
                return;
            ++counts[value];
            if (counts.size() > kMaxIntegerClasses)
                return;
        }
        for (const auto& [value, count] : counts) {
            profile.classNames.push_back(formatNumber(value));
            profile.classCounts.push_back(count);
        }
    }
}

uint64_t cellHash(const TableColumn& column, size_t row)
{
    switch (column.kind) {
    case ColumnKind::Numeric: {
        double value = column.numbers[row];
        if (std::isnan(value))
            return 0x9E3779B97F4A7C15ULL;
        value += 0.0; // -0 and 0 are the same cell
        uint64_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        return std::hash<uint64_t>()(bits);
    }
    case ColumnKind::Categorical:
        return std::hash<int64_t>()(column.codes[row]);
    case ColumnKind::Text:
        return std::hash<std::string>()(column.texts[row]);
    }
    return 0;
}

bool cellsEqual(const TableColumn& column, size_t a, size_t b)
{
    switch (column.kind) {
    case ColumnKind::Numeric:
        return column.numbers[a] == column.numbers[b]
            || (std::isnan(column.numbers[a]) && std::isnan(column.numbers[b]));
    case ColumnKind::Categorical:
        return column.codes[a] == column.codes[b];
    case ColumnKind::Text:
        return column.texts[a] == column.texts[b];
    }
    return false;
}

// Rows equal to an earlier row in every column: sorted by a row hash, then
// compared cell by cell within each run of equal hashes.
int64_t duplicateRows(const Table& table)
{
    std::vector<std::pair<uint64_t, size_t>> hashes(size_t(table.rows));
    for (size_t row = 0; row < hashes.size(); ++row) {
        uint64_t hash = 0;
        for (const TableColumn& column : table.columns)
            hash = (hash ^ cellHash(column, row)) * 0x100000001B3ULL + 0x9E3779B97F4A7C15ULL;
        hashes[row] = {hash, row};
    }
    std::sort(hashes.begin(), hashes.end());
    const auto rowsEqual = [&](size_t a, size_t b) {
        return std::all_of(table.columns.begin(), table.columns.end(),
                           [&](const TableColumn& column) { return cellsEqual(column, a, b); });
    };
    int64_t duplicates = 0;
    for (size_t begin = 0; begin < hashes.size();) {
        size_t end = begin + 1;
        while (end < hashes.size() && hashes[end].first == hashes[begin].first)
            ++end;
        std::vector<size_t> distinct; // first row of each different content in the run
        for (size_t i = begin; i < end; ++i) {
            const size_t row = hashes[i].second;
            if (std::any_of(distinct.begin(), distinct.end(), [&](size_t other) { return rowsEqual(row, other); }))
                ++duplicates;
            else if (distinct.size() < kMaxCompared)
                distinct.push_back(row);
        }
        begin = end;
    }
    return duplicates;
}

void addMissingIssue(DataProfile& profile, const TableColumn& column, int64_t rows, bool isTarget)
{
    QualityIssue issue;
    issue.kind = "missing_values";
    issue.column = column.name;
    issue.message = "column '" + column.name + "': " + std::to_string(column.missing) + " of " + std::to_string(rows)
        + " values missing (" + percent(column.missing, rows) + ")";
    if (isTarget) {
        issue.message += "; rows without a target are left out";
    } else if (column.kind == ColumnKind::Numeric) {
        issue.fix = {{"missing", "mean"}};
        issue.fixLabel = "Fill in the mean";
    } else {
        issue.fix = {{"missing", "most_frequent"}};
        issue.fixLabel = "Fill in the most frequent value";
    }
    profile.issues.push_back(std::move(issue));
}

void addConstantIssue(DataProfile& profile, const Table& table, const TableColumn& column, const TableColumn* target)
{
    QualityIssue issue;
    issue.kind = "constant_column";
    issue.column = column.name;
    std::string value;
    for (int64_t row = 0; row < table.rows && value.empty(); ++row)
        value = column.cell(row);
    issue.message = "column '" + column.name + "' "
        + (value.empty() ? std::string("is empty") : "holds the same value ('" + value + "') in every row");
    if (&column == target) {
        issue.message += "; there is nothing to predict";
    } else {
        nlohmann::json features = nlohmann::json::array();
        for (const TableColumn& other : table.columns) {
            if (&other != &column && &other != target)
                features.push_back(other.name);
        }
        issue.message += "; it cannot help a model";
        issue.fix = {{"features", std::move(features)}};
        issue.fixLabel = "Leave the column out";
    }
    profile.issues.push_back(std::move(issue));
}

} // namespace

DataProfile profileTable(const Table& table, const std::string& target)
{
    DataProfile profile;
    profile.rows = table.rows;
    const TableColumn* targetColumn = nullptr;
    if (!target.empty()) {
        const int index = table.column(target);
        if (index < 0)
            throw DataError(table.source + ": no column '" + target + "' for the target");
        targetColumn = &table.columns[size_t(index)];
        classHistogram(*targetColumn, profile);
    }
    for (const TableColumn& column : table.columns)
        profile.columns.push_back(columnStats(column, table.rows));

    for (size_t c = 0; c < table.columns.size(); ++c) {
        const TableColumn& column = table.columns[c];
        const ColumnStats& stats = profile.columns[c];
        if (column.missing > 0 && stats.count > 0)
            addMissingIssue(profile, column, table.rows, &column == targetColumn);
        if (stats.distinct <= 1 && table.rows > 1)
            addConstantIssue(profile, table, column, targetColumn);
    }
    if (const int64_t duplicates = duplicateRows(table)) {
        QualityIssue issue;
        issue.kind = "duplicate_rows";
        issue.message = std::to_string(duplicates) + " of " + std::to_string(table.rows)
            + " rows repeat an earlier row (" + percent(duplicates, table.rows)
            + "); remove them from the file unless they are separate samples";
        profile.issues.push_back(std::move(issue));
    }
    addClassIssues(profile, target);
    return profile;
}

} // namespace lepton
