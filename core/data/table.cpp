#include "data/table.h"

#include <charconv>
#include <cmath>

namespace lepton {

std::string columnKindName(ColumnKind kind)
{
    switch (kind) {
    case ColumnKind::Numeric:
        return "numeric";
    case ColumnKind::Categorical:
        return "categorical";
    case ColumnKind::Text:
        return "text";
    }
    return "numeric";
}

std::string formatNumber(double value)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

bool TableColumn::isMissing(int64_t row) const
{
    const auto i = static_cast<size_t>(row);
    switch (kind) {
    case ColumnKind::Numeric:
        return std::isnan(numbers[i]);
    case ColumnKind::Categorical:
        return codes[i] < 0;
    case ColumnKind::Text:
        return texts[i].empty();
    }
    return true;
}

std::string TableColumn::cell(int64_t row) const
{
    if (isMissing(row))
        return {};
    const auto i = static_cast<size_t>(row);
    switch (kind) {
    case ColumnKind::Numeric:
        return formatNumber(numbers[i]);
    case ColumnKind::Categorical:
        return levels[static_cast<size_t>(codes[i])];
    case ColumnKind::Text:
        return texts[i];
    }
    return {};
}

int Table::column(const std::string& name) const
{
    for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace lepton
