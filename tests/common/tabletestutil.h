#pragma once

// Tables for the CSV, encoding and profile tests: parsed from text, or
// built column by column.
#include "data/csvreader.h"

#include <QByteArray>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace lepton::testing {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline Table parse(const QByteArray& text, CsvOptions options = {})
{
    return parseCsv(std::string_view(text.constData(), size_t(text.size())), options, "data.csv");
}

inline TableColumn textColumn(std::string name, std::vector<std::string> texts)
{
    TableColumn column;
    column.name = std::move(name);
    column.kind = ColumnKind::Text;
    column.texts = std::move(texts);
    for (const std::string& text : column.texts)
        column.missing += text.empty() ? 1 : 0;
    return column;
}

inline TableColumn categoricalColumn(std::string name, const std::vector<std::string>& cells)
{
    TableColumn column;
    column.name = std::move(name);
    column.kind = ColumnKind::Categorical;
    for (const std::string& cell : cells) {
        if (cell.empty()) {
            column.codes.push_back(-1);
            ++column.missing;
            continue;
        }
        const auto it = std::find(column.levels.begin(), column.levels.end(), cell);
        column.codes.push_back(int32_t(it - column.levels.begin()));
        if (it == column.levels.end())
            column.levels.push_back(cell);
    }
    return column;
}

inline TableColumn numericColumn(std::string name, std::vector<double> numbers)
{
    TableColumn column;
    column.name = std::move(name);
    column.numbers = std::move(numbers);
    column.missing = std::count_if(column.numbers.begin(), column.numbers.end(), [](double v) { return std::isnan(v); });
    return column;
}

inline Table makeTable(std::vector<TableColumn> columns)
{
    Table table;
    table.source = "data.csv";
    table.columns = std::move(columns);
    const TableColumn& first = table.columns.front();
    table.rows = int64_t(first.kind == ColumnKind::Numeric ? first.numbers.size()
                         : first.kind == ColumnKind::Text ? first.texts.size()
                                                          : first.codes.size());
    return table;
}

} // namespace lepton::testing
