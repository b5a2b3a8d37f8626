#include "data/tableencoder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

namespace lepton {

namespace {

using Json = nlohmann::ordered_json;
using Missing = TableEncoding::Missing;

constexpr size_t kMaxAutoClasses = 50;
constexpr int64_t kMaxAutoSequence = 512;
// Keeps a typo in the sequence length from exhausting memory.
constexpr int64_t kMaxSequence = 65536;
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53
// Token ids are held in floats, exact up to 2^24.
constexpr int64_t kMaxVocabulary = (int64_t(1) << 24) - 2;
// Features of all samples together (4 GiB of floats): wide one-hot codes or
// long sequences fail with advice instead of exhausting memory.
constexpr int64_t kMaxFeatureValues = int64_t(1) << 30;

[[noreturn]] void fail(const Table& table, const std::string& problem)
{
    throw DataError(table.source + ": " + problem);
}

void checkSize(const Table& table, size_t samples, int64_t perSample, const char* advice)
{
    if (perSample > 0 && int64_t(samples) > kMaxFeatureValues / perSample)
        fail(table, std::to_string(samples) + " samples of " + std::to_string(perSample)
                        + " values are too many to hold in memory; " + advice);
}

std::string quotedList(const std::vector<const TableColumn*>& columns)
{
    std::string list;
    for (const TableColumn* column : columns)
        list += (list.empty() ? "'" : ", '") + column->name + "'";
    return list;
}

const char* missingName(Missing missing)
{
    switch (missing) {
    case Missing::Drop:
        return "drop";
    case Missing::Mean:
        return "mean";
    case Missing::Median:
        return "median";
    case Missing::MostFrequent:
        return "most_frequent";
    }
    return "drop";
}

const TableColumn& findColumn(const Table& table, const std::string& name, const char* role)
{
    const int index = table.column(name);
    if (index < 0) {
        std::vector<const TableColumn*> all;
        for (const TableColumn& column : table.columns)
            all.push_back(&column);
        fail(table, std::string("no column '") + name + "' for the " + role + "; the columns are "
                        + quotedList(all));
    }
    return table.columns[static_cast<size_t>(index)];
}

// The target of each table row: a class index (-1 when missing) or, for
// regression, the column's own numbers.
struct TargetRows {
    TaskType task = TaskType::Classification;
    std::vector<int64_t> labels;
    std::vector<std::string> classNames;
    Json classes; // as encoding records them: the values of a numeric target
    Json json;

    bool present(const TableColumn& column, int64_t row) const
    {
        return task == TaskType::Classification ? labels[size_t(row)] >= 0 : !column.isMissing(row);
    }
};

// Categories or texts: each distinct value is a class, in order of first appearance.
void classesFromStrings(const TableColumn& column, TargetRows& target)
{
    if (column.kind == ColumnKind::Categorical) {
        target.labels.assign(column.codes.begin(), column.codes.end());
        target.classNames = column.levels;
        return;
    }
    std::unordered_map<std::string, int64_t> classes;
    for (const std::string& text : column.texts) {
        int64_t label = -1;
        if (!text.empty()) {
            label = classes.try_emplace(text, int64_t(classes.size())).first->second;
            if (size_t(label) == target.classNames.size())
                target.classNames.push_back(text);
        }
        target.labels.push_back(label);
    }
}

// Numbers: regression, or classes that are the sorted distinct values.
void classesFromNumbers(const TableColumn& column, TableEncoding::Task task, TargetRows& target)
{
    std::vector<double> values;
    for (double value : column.numbers) {
        if (!std::isnan(value))
            values.push_back(value);
    }
    bool classify = task == TableEncoding::Task::Classification;
    const bool whole = std::all_of(values.begin(), values.end(), [](double value) {
        return value == std::floor(value) && std::fabs(value) <= kMaxExactInteger;
    });
    if (classify || (task == TableEncoding::Task::Auto && whole)) {
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        classify = classify || values.size() <= kMaxAutoClasses;
    }
    if (!classify) {
        target.task = TaskType::Regression;
        return;
    }
    for (double value : column.numbers) {
        target.labels.push_back(std::isnan(value)
                                    ? -1
                                    : std::lower_bound(values.begin(), values.end(), value) - values.begin());
    }
    for (double value : values)
        target.classNames.push_back(formatNumber(value));
    target.classes = values;
}

TargetRows encodeTarget(const Table& table, const TableColumn& column, TableEncoding::Task task)
{
    TargetRows target;
    target.json["column"] = column.name;
    target.json["kind"] = columnKindName(column.kind);
    if (column.kind == ColumnKind::Numeric) {
        classesFromNumbers(column, task, target);
    } else if (task == TableEncoding::Task::Regression) {
        fail(table, "target column '" + column.name + "' is " + columnKindName(column.kind)
                        + "; regression needs a numeric target");
    } else {
        classesFromStrings(column, target);
        target.classes = target.classNames;
    }
    const bool classify = target.task == TaskType::Classification;
    target.json["task"] = classify ? "classification" : "regression";
    if (classify)
        target.json["classes"] = std::move(target.classes);
    return target;
}

// One feature column and the value standing in for its missing cells.
struct Feature {
    const TableColumn* column = nullptr;
    double number = 0; // numeric
    int32_t code = 0;  // categorical
    int64_t width = 1;
};

// The fill-in value of a column, from the rows that are kept.
void chooseFill(const Table& table, Feature& feature, Missing missing, const std::vector<int64_t>& rows)
{
    const TableColumn& column = *feature.column;
    if (column.kind == ColumnKind::Text)
        return; // a missing text is an empty sequence
    // Counts in order of first appearance: ties go to the earlier value.
    std::vector<double> values;
    for (int64_t row : rows) {
        if (!column.isMissing(row))
            values.push_back(column.kind == ColumnKind::Numeric ? column.numbers[size_t(row)]
                                                                : double(column.codes[size_t(row)]));
    }
    if (values.empty())
        fail(table, "column '" + column.name + "' has no values to fill its missing cells from; leave it out of "
                        "the features");
    double fill = 0;
    if (column.kind == ColumnKind::Numeric && missing == Missing::Mean) {
        double sum = 0;
        for (double value : values)
            sum += value;
        fill = sum / double(values.size());
    } else if (column.kind == ColumnKind::Numeric && missing == Missing::Median) {
        const size_t half = values.size() / 2;
        std::nth_element(values.begin(), values.begin() + long(half), values.end());
        fill = values[half];
        if (values.size() % 2 == 0)
            fill = (fill + *std::max_element(values.begin(), values.begin() + long(half))) / 2;
    } else {
        std::unordered_map<double, std::pair<int64_t, size_t>> counts; // count, first index
        for (size_t i = 0; i < values.size(); ++i)
            ++counts.try_emplace(values[i], 0, i).first->second.first;
        auto best = counts.begin();
        for (auto it = counts.begin(); it != counts.end(); ++it) {
            if (it->second.first > best->second.first
                || (it->second.first == best->second.first && it->second.second < best->second.second))
                best = it;
        }
        fill = best->first;
    }
    if (column.kind == ColumnKind::Numeric)
        feature.number = fill;
    else
        feature.code = int32_t(fill);
}

// Text: token ids of each kept row, padded with 0 or cut to the length.
Json encodeText(const Table& table, const TableEncoding& encoding, const TableColumn& column,
                const std::vector<int64_t>& rows, Dataset& dataset)
{
    if (encoding.maxVocabulary < 1 || encoding.maxVocabulary > kMaxVocabulary)
        fail(table, "the vocabulary size must be between 1 and " + std::to_string(kMaxVocabulary) + ", got "
                        + std::to_string(encoding.maxVocabulary));
    if (encoding.sequenceLength < 0 || encoding.sequenceLength > kMaxSequence)
        fail(table, "the sequence length must be between 0 (the longest text) and " + std::to_string(kMaxSequence)
                        + ", got " + std::to_string(encoding.sequenceLength));
    std::vector<const std::string*> texts;
    texts.reserve(rows.size());
    for (int64_t row : rows)
        texts.push_back(&column.texts[size_t(row)]);
    const Vocabulary vocabulary = Vocabulary::build(texts, encoding.tokens, encoding.maxVocabulary);

    std::string lower;
    std::vector<std::string_view> tokens;
    int64_t length = encoding.sequenceLength;
    if (length == 0) {
        for (const std::string* text : texts) {
            tokenizeText(*text, encoding.tokens, lower, tokens);
            length = std::max(length, int64_t(tokens.size()));
        }
        length = std::clamp<int64_t>(length, 1, kMaxAutoSequence);
    }
    checkSize(table, texts.size(), length, "set a shorter sequence length");
    dataset.featureDType = DType::Int64;
    dataset.featureShape = {length};
    dataset.features.assign(texts.size() * size_t(length), float(Vocabulary::kPadding));
    for (size_t i = 0; i < texts.size(); ++i) {
        tokenizeText(*texts[i], encoding.tokens, lower, tokens);
        const size_t count = std::min(tokens.size(), size_t(length));
        for (size_t t = 0; t < count; ++t)
            dataset.features[i * size_t(length) + t] = float(vocabulary.id(tokens[t]));
    }
    Json json;
    json["column"] = column.name;
    json["kind"] = "text";
    json["tokens"] = tokenLevelName(encoding.tokens);
    json["lowercase"] = true;
    json["sequenceLength"] = length;
    json["padding"] = Vocabulary::kPadding;
    json["unknown"] = Vocabulary::kUnknown;
    json["vocabulary"] = vocabulary.tokens();
    return json;
}

// Numbers and categories: one float per numeric column, per level (one-hot)
// or the level's index.
Json encodeColumns(const Table& table, const TableEncoding& encoding, const std::vector<Feature>& features,
                   const std::vector<int64_t>& rows, Dataset& dataset)
{
    const bool oneHot = encoding.categorical == TableEncoding::Categorical::OneHot;
    int64_t width = 0;
    for (const Feature& feature : features)
        width += feature.width;
    checkSize(table, rows.size(), width, "encode categories as an index instead of one-hot, or use fewer columns");
    dataset.featureShape = {width};
    dataset.features.assign(rows.size() * size_t(width), 0.0f);
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto row = size_t(rows[i]);
        float* out = dataset.features.data() + i * size_t(width);
        for (const Feature& feature : features) {
            const TableColumn& column = *feature.column;
            if (column.kind == ColumnKind::Numeric) {
                const double value = column.numbers[row];
                *out = float(std::isnan(value) ? feature.number : value);
            } else {
                const int32_t code = column.codes[row] < 0 ? feature.code : column.codes[row];
                out[oneHot ? code : 0] = oneHot ? 1.0f : float(code);
            }
            out += feature.width;
        }
    }
    Json json = Json::array();
    for (const Feature& feature : features) {
        const TableColumn& column = *feature.column;
        Json entry;
        entry["column"] = column.name;
        entry["kind"] = columnKindName(column.kind);
        if (column.kind == ColumnKind::Categorical) {
            entry["encoding"] = oneHot ? "one_hot" : "index";
            entry["levels"] = column.levels;
        }
        if (encoding.missing != Missing::Drop) {
            if (column.kind == ColumnKind::Numeric)
                entry["imputed"] = feature.number;
            else
                entry["imputed"] = column.levels[size_t(feature.code)];
        }
        json.push_back(std::move(entry));
    }
    return json;
}

} // namespace

Dataset encodeTable(const Table& table, const TableEncoding& encoding)
{
    if (table.columns.empty() || table.rows == 0)
        fail(table, "the table has no rows");
    const TableColumn& targetColumn = encoding.target.empty()
        ? table.columns.back()
        : findColumn(table, encoding.target, "target");

    std::vector<Feature> features;
    if (encoding.features.empty()) {
        for (const TableColumn& column : table.columns) {
            if (&column != &targetColumn)
                features.push_back({&column});
        }
    }
    for (const std::string& name : encoding.features) {
        const TableColumn& column = findColumn(table, name, "features");
        if (&column == &targetColumn)
            fail(table, "column '" + name + "' is the target; it cannot also be a feature");
        for (const Feature& feature : features) {
            if (feature.column == &column)
                fail(table, "column '" + name + "' is listed twice among the features");
        }
        features.push_back({&column});
    }
    if (features.empty())
        fail(table, "no feature columns besides the target '" + targetColumn.name + "'");
    std::vector<const TableColumn*> texts, others;
    for (const Feature& feature : features)
        (feature.column->kind == ColumnKind::Text ? texts : others).push_back(feature.column);
    if (texts.size() > 1)
        fail(table, "text columns " + quotedList(texts) + " are all features; a model reads one text column, "
                        "pick one");
    if (!texts.empty() && !others.empty())
        fail(table, "text column '" + texts[0]->name + "' cannot be mixed with other features (" + quotedList(others)
                        + "); use it alone");

    TargetRows target = encodeTarget(table, targetColumn, encoding.task);
    const bool classify = target.task == TaskType::Classification;
    if (classify && target.classNames.size() < 2)
        fail(table, "target column '" + targetColumn.name + "' has "
                        + (target.classNames.empty() ? "no values" : "only one class ('" + target.classNames[0] + "')")
                        + "; classification needs at least two");

    std::vector<int64_t> rows;
    int64_t noTarget = 0, noFeature = 0;
    for (int64_t row = 0; row < table.rows; ++row) {
        if (!target.present(targetColumn, row)) {
            ++noTarget;
        } else if (encoding.missing == Missing::Drop
                   && std::any_of(features.begin(), features.end(),
                                  [&](const Feature& f) { return f.column->isMissing(row); })) {
            ++noFeature;
        } else {
            rows.push_back(row);
        }
    }
    if (rows.empty())
        fail(table, "no rows left: " + std::to_string(noTarget) + " lack the target '" + targetColumn.name + "' and "
                        + std::to_string(noFeature) + " lack a feature value");

    for (Feature& feature : features) {
        if (encoding.missing != Missing::Drop)
            chooseFill(table, feature, encoding.missing, rows);
        if (feature.column->kind == ColumnKind::Categorical
            && encoding.categorical == TableEncoding::Categorical::OneHot)
            feature.width = int64_t(feature.column->levels.size());
    }

    Dataset dataset;
    dataset.name = std::filesystem::path(table.source).stem().string();
    dataset.task = target.task;
    Json featureJson = texts.empty() ? encodeColumns(table, encoding, features, rows, dataset)
                                     : Json::array({encodeText(table, encoding, *texts[0], rows, dataset)});
    if (classify) {
        dataset.labels.reserve(rows.size());
        std::vector<bool> seen(target.classNames.size());
        for (int64_t row : rows) {
            dataset.labels.push_back(target.labels[size_t(row)]);
            seen[size_t(dataset.labels.back())] = true;
        }
        if (std::count(seen.begin(), seen.end(), true) < 2)
            fail(table, "every row left holds the same class of '" + targetColumn.name
                            + "'; classification needs at least two");
        dataset.numClasses = int64_t(target.classNames.size());
        dataset.classNames = std::move(target.classNames);
    } else {
        dataset.targetShape = {1};
        dataset.targets.reserve(rows.size());
        for (int64_t row : rows)
            dataset.targets.push_back(float(targetColumn.numbers[size_t(row)]));
    }

    Json& json = dataset.encoding;
    json["source"] = table.source;
    json["rows"] = {{"read", table.rows},
                    {"used", int64_t(rows.size())},
                    {"missingTarget", noTarget},
                    {"missingFeature", noFeature}};
    json["missing"] = missingName(encoding.missing);
    json["features"] = std::move(featureJson);
    json["target"] = std::move(target.json);
    if (noTarget > 0)
        json["notes"] = Json::array({std::to_string(noTarget) + " rows without a target value were dropped"});
    return dataset;
}

} // namespace lepton
