#pragma once

#include "data/dataset.h"
#include "data/table.h"
#include "data/texttokens.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// How a table becomes training samples.
struct TableEncoding {
    std::string target;                // column name; empty: the last column
    std::vector<std::string> features; // empty: every other column

    enum class Categorical { OneHot, Index };
    Categorical categorical = Categorical::OneHot;

    // Drop removes rows with a missing feature; the others fill features in
    // (Mean and Median apply to numeric columns, categorical ones take their
    // most frequent level). Rows with a missing target are always dropped.
    enum class Missing { Drop, Mean, Median, MostFrequent };
    Missing missing = Missing::Drop;

    // Auto: a categorical target, or whole numbers with at most 50 distinct
    // values, is classification; other numbers are regression.
    enum class Task { Auto, Classification, Regression };
    Task task = Task::Auto;

    // A text feature (it must be the only feature) becomes token ids.
    using Tokens = TokenLevel;
    Tokens tokens = Tokens::Word;
    int64_t sequenceLength = 0; // 0: the longest text seen, at most 512
    int64_t maxVocabulary = 20000;
};

// Turns the table into samples: numeric columns give one float each,
// categorical ones one-hot floats or their level index, a text column a
// sequence of token ids (featureDType Int64, see Vocabulary). The target
// gives class indices (classNames: categorical levels, or sorted whole
// numbers) or regression values (targetShape {1}). dataset.encoding records
// everything needed to encode new rows the same way. Throws DataError naming
// the file and column.
Dataset encodeTable(const Table& table, const TableEncoding& encoding);

} // namespace lepton
