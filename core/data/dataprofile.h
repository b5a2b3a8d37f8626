#pragma once

#include "data/dataset.h"
#include "data/table.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lepton {

// Statistics of one column (tables) or one channel/feature group (arrays,
// images). Numbers are NaN where they do not apply (categorical, text).
struct ColumnStats {
    std::string name;
    std::string kind; // "numeric", "categorical", "text", "image", "array"
    int64_t count = 0;   // present values
    int64_t missing = 0;
    int64_t distinct = 0; // -1 when not counted (large float arrays)
    double min = 0, max = 0, mean = 0, std = 0;
};

// One problem found in the data, with the fix the workbench can apply.
struct QualityIssue {
    // "missing_values", "duplicate_rows", "constant_column",
    // "unreadable_images", "class_imbalance", "too_few_samples"
    std::string kind;
    std::string message; // "column 'age': 177 of 891 values missing (19.9%)"
    std::string column;  // the column it concerns, when one does
    // The fix as a change to the dataset's source params, e.g.
    // {"missing": "mean"} or {"features": [...without the column]}; null when
    // no automatic fix applies (the message then says what to do).
    nlohmann::json fix;
    std::string fixLabel; // "Impute the mean", "Drop the column"
};

// What is in a dataset, before training: shown by the Data panel and
// `lepton data`.
struct DataProfile {
    int64_t rows = 0;
    std::vector<ColumnStats> columns;
    std::vector<std::string> classNames;   // histogram bars, in class order
    std::vector<int64_t> classCounts;      // same length as classNames
    std::vector<QualityIssue> issues;
    std::vector<std::string> notes; // what the statistics leave out

    // {"rows", "columns": [{name, kind, count, missing, distinct, min, max,
    // mean, std}], "classes": [{name, count}], "issues": [{kind, message,
    // column, fix, fixLabel}], "notes"}; NaN statistics are null.
    nlohmann::ordered_json toJson() const;
};

// Column statistics, class histogram of `target` (when categorical or a
// small set of integers) and the quality report of a table.
DataProfile profileTable(const Table& table, const std::string& target);
// Per-channel statistics (images: channels of [C, H, W]; vectors: each
// feature), the class histogram and the quality report of loaded data.
// `unreadable` lists files the loader skipped, reported as an issue.
DataProfile profileDataset(const Dataset& dataset, const std::vector<std::string>& unreadable = {});

} // namespace lepton
