#pragma once

#include "data/csvtokenizer.h"
#include "data/table.h"

#include <atomic>
#include <string>
#include <string_view>

namespace lepton {

// "", "NA", "N/A", "NaN", "null" and "?" in any case mark a missing cell.
bool isMissingMarker(std::string_view cell);

// The whole cell as a finite number ("1e3", "-.5", "+2"; surrounding spaces
// allowed). Hex, thousands separators and infinities are not numbers.
bool parseNumber(std::string_view cell, double& value);

// Cells [first, first + rows) of one tokenized column.
struct CellColumn {
    const std::vector<std::string_view>* cells = nullptr;
    int64_t first = 0;
    int64_t rows = 0;

    std::string_view operator[](int64_t row) const { return (*cells)[size_t(first + row)]; }
};

// Decides the column's kind and stores its cells accordingly:
// - Numeric when every present cell is a number;
// - else Categorical when it has at most max(20, min(1000, 5% of the present
//   cells)) distinct values: 20 covers labels of small tables, 5% keeps
//   identifiers and prose out, 1000 caps the one-hot width;
// - else Text.
// Throws DataCancelled (naming `source`) when `stop` is set.
TableColumn inferColumn(std::string name, const CellColumn& cells, const std::string& source,
                        const std::atomic<bool>* stop);

// Whether the first record names the columns: every cell in it is a
// non-empty non-number, and below it (in the first 1000 records) some column
// holds only numbers or none of its values repeats its first cell.
bool looksLikeHeader(const CsvCells& cells);

} // namespace lepton
