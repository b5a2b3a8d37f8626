#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// What a table column holds, decided from its cells when it is read.
enum class ColumnKind {
    Numeric,     // every present cell parses as a number
    Categorical, // few distinct strings (labels, categories)
    Text,        // free text: many distinct strings (tokenized for sequence models)
};

// "numeric", "categorical", "text"
std::string columnKindName(ColumnKind kind);

// The shortest text that reads back as `value`: "3", "0.1", "1e+30".
std::string formatNumber(double value);

// One column, stored by kind so a million rows stay compact: numbers as
// doubles, categories as codes into `levels`, text as strings.
struct TableColumn {
    std::string name;
    ColumnKind kind = ColumnKind::Numeric;
    std::vector<double> numbers;      // Numeric: NaN marks a missing cell
    std::vector<int32_t> codes;       // Categorical: index into levels, -1 when missing
    std::vector<std::string> levels;  // Categorical: distinct values, first-seen order
    std::vector<std::string> texts;   // Text: the cells; empty marks a missing cell
    int64_t missing = 0;              // cells that were empty or a missing marker

    bool isMissing(int64_t row) const;
    // The cell as the user would see it ("" when missing).
    std::string cell(int64_t row) const;
};

// A parsed delimited file: every column has `rows` entries.
struct Table {
    std::string source; // file name, for messages
    int64_t rows = 0;
    bool hasHeader = false; // column names came from the first row
    std::vector<TableColumn> columns;

    // Index of the column with this name, or -1.
    int column(const std::string& name) const;
};

} // namespace lepton
