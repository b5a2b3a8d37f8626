// CSV/TSV tables and text tables: both read a delimited file, then encode
// its columns; the text source turns one text column into token ids.
#include "data/csvreader.h"
#include "data/sources/builtinsources.h"
#include "data/tableencoder.h"

#include <filesystem>

namespace lepton {

namespace {

const std::vector<std::string> kTableFilters = {"Tables (*.csv *.tsv *.tab *.txt)", "All files (*)"};

char delimiterOf(const std::string& name)
{
    if (name == "comma")
        return ',';
    if (name == "semicolon")
        return ';';
    if (name == "tab")
        return '\t';
    return name == "pipe" ? '|' : 0;
}

Table readTable(const nlohmann::json& params, const DataLoadContext& context, int64_t maxRows = -1)
{
    CsvOptions options;
    options.delimiter = delimiterOf(stringParam(params, "delimiter"));
    const std::string header = stringParam(params, "header");
    options.header = header == "yes" ? CsvOptions::Header::Yes
        : header == "no"             ? CsvOptions::Header::No
                                     : CsvOptions::Header::Auto;
    options.maxRows = maxRows;
    if (stringParam(params, "path").empty())
        throw DataError("no table file chosen (params.path)");
    Table table = readCsv(context.resolve(stringParam(params, "path")), options, context.stop);
    if (context.stopRequested())
        throw DataCancelled();
    return table;
}

TableEncoding::Task taskOf(const nlohmann::json& params)
{
    const std::string task = stringParam(params, "task");
    return task == "classification" ? TableEncoding::Task::Classification
        : task == "regression"      ? TableEncoding::Task::Regression
                                    : TableEncoding::Task::Auto;
}

std::vector<ParamSpec> readingParams()
{
    return {
        {"path", ParamType::File, "", {}, {}, kTableFilters, "The table: one sample per row"},
        {"delimiter", ParamType::Choice, "auto", {}, {}, {"auto", "comma", "semicolon", "tab", "pipe"},
         "Field separator; auto picks the one that splits every line alike"},
        {"header", ParamType::Choice, "auto", {}, {}, {"auto", "yes", "no"},
         "Whether the first row names the columns; auto tells from the values"},
        {"target", ParamType::String, "", {}, {}, {}, "Column to learn; empty means the last column"},
    };
}

ParamSpec taskParam()
{
    return {"task", ParamType::Choice, "auto", {}, {}, {"auto", "classification", "regression"},
            "Auto: a text target or whole numbers with at most 50 values are classes"};
}

DatasetSplits loadCsv(const nlohmann::json& params, const DataLoadContext& context)
{
    TableEncoding encoding;
    encoding.target = stringParam(params, "target");
    encoding.features = params.at("features").get<std::vector<std::string>>();
    encoding.categorical = stringParam(params, "categorical") == "index"
        ? TableEncoding::Categorical::Index
        : TableEncoding::Categorical::OneHot;
    const std::string missing = stringParam(params, "missing");
    encoding.missing = missing == "mean" ? TableEncoding::Missing::Mean
        : missing == "median"            ? TableEncoding::Missing::Median
        : missing == "most_frequent"     ? TableEncoding::Missing::MostFrequent
                                         : TableEncoding::Missing::Drop;
    encoding.task = taskOf(params);
    DatasetSplits splits;
    splits.train = encodeTable(readTable(params, context), encoding);
    return splits;
}

DataProfile profileCsv(const nlohmann::json& params, const DataLoadContext& context)
{
    const Table table = readTable(params, context);
    const std::string target = stringParam(params, "target");
    return profileTable(table, target.empty() && !table.columns.empty() ? table.columns.back().name : target);
}

bool isTableFile(const std::string& path)
{
    const std::string extension = lowerExtension(path);
    return (extension == ".csv" || extension == ".tsv" || extension == ".tab" || extension == ".txt")
        && std::filesystem::is_regular_file(path);
}

nlohmann::json detectCsv(const std::string& path)
{
    if (!isTableFile(path))
        return nullptr;
    return {{"path", path}};
}

int textColumn(const Table& table)
{
    for (size_t i = 0; i < table.columns.size(); ++i) {
        if (table.columns[i].kind == ColumnKind::Text)
            return static_cast<int>(i);
    }
    return -1;
}

DatasetSplits loadText(const nlohmann::json& params, const DataLoadContext& context)
{
    const Table table = readTable(params, context);
    std::string column = stringParam(params, "text_column");
    if (column.empty()) {
        const int found = textColumn(table);
        if (found < 0)
            throw DataError(table.source + ": no column holds free text; name one in params.text_column");
        column = table.columns[static_cast<size_t>(found)].name;
    }
    TableEncoding encoding;
    encoding.target = stringParam(params, "target");
    encoding.features = {column};
    encoding.task = taskOf(params);
    encoding.tokens = stringParam(params, "tokens") == "char" ? TableEncoding::Tokens::Char
                                                              : TableEncoding::Tokens::Word;
    encoding.sequenceLength = intParam(params, "sequence_length");
    encoding.maxVocabulary = intParam(params, "max_vocabulary");
    DatasetSplits splits;
    splits.train = encodeTable(table, encoding);
    return splits;
}

// A table whose first rows hold a free-text column reads as text.
nlohmann::json detectText(const std::string& path)
{
    if (!isTableFile(path))
        return nullptr;
    try {
        CsvOptions options;
        options.maxRows = 200;
        const Table head = readCsv(path, options);
        if (textColumn(head) < 0)
            return nullptr;
        return {{"path", path}, {"text_column", head.columns[size_t(textColumn(head))].name}};
    } catch (const DataError&) {
        return nullptr; // the CSV source reports the problem when it reads the file
    }
}

} // namespace

DataSourceSpec csvSource()
{
    DataSourceSpec spec;
    spec.id = "csv";
    spec.displayName = "CSV / TSV table";
    spec.description = "A delimited text table: numeric and categorical columns, one sample per row";
    spec.params = readingParams();
    spec.params.push_back({"features", ParamType::StringList, nlohmann::json::array(), {}, {}, {},
                           "Columns to learn from; empty means every column but the target"});
    spec.params.push_back({"categorical", ParamType::Choice, "onehot", {}, {}, {"onehot", "index"},
                           "Categorical features as one-hot vectors or as their level's index"});
    spec.params.push_back({"missing", ParamType::Choice, "drop", {}, {},
                           {"drop", "mean", "median", "most_frequent"},
                           "Rows with a missing feature are dropped, or the gap is filled with the"
                           " column's mean, median or most frequent value"});
    spec.params.push_back(taskParam());
    spec.load = loadCsv;
    spec.detect = detectCsv;
    spec.profile = profileCsv;
    return spec;
}

DataSourceSpec textSource()
{
    DataSourceSpec spec;
    spec.id = "text";
    spec.displayName = "Text table";
    spec.description = "A table with a text column, read as token sequences for embedding and sequence layers";
    spec.params = readingParams();
    spec.params.push_back({"text_column", ParamType::String, "", {}, {}, {},
                           "Column holding the text; empty means the first free-text column"});
    spec.params.push_back({"tokens", ParamType::Choice, "word", {}, {}, {"word", "char"},
                           "Split the text into words or into single characters"});
    spec.params.push_back({"sequence_length", ParamType::Int, 0, 0, 512, {},
                           "Tokens per sample: longer texts are cut, shorter ones padded; 0 means the"
                           " longest text, at most 512"});
    spec.params.push_back({"max_vocabulary", ParamType::Int, 20000, 2, 1000000, {},
                           "Most frequent tokens kept; the rest read as unknown"});
    spec.params.push_back(taskParam());
    spec.load = loadText;
    spec.detect = detectText;
    spec.profile = profileCsv;
    return spec;
}

} // namespace lepton
