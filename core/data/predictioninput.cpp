#include "data/predictioninput.h"

#include "data/columninference.h"
#include "data/csvreader.h"
#include "data/dataset.h"
#include "data/imagedecoder.h"
#include "data/npyreader.h"
#include "data/texttokens.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace lepton {

namespace {

using Json = nlohmann::json;

std::string lowerExtension(const std::string& path)
{
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

const TableColumn& columnNamed(const Table& table, const std::string& path, const std::string& name)
{
    for (const TableColumn& column : table.columns) {
        if (column.name == name)
            return column;
    }
    throw DataError(path + ": no column '" + name + "', which the model reads");
}

// One row of a table as the training rows were encoded: tableencoder.cpp's
// encoding record, column by column.
void appendRow(const Table& table, const std::string& path, const Json& features, int64_t row,
               std::vector<float>& out)
{
    const std::string where = std::filesystem::path(path).filename().string() + " row " + std::to_string(row + 1);
    if (features.size() == 1 && features[0].value("kind", "") == "text") {
        const Json& text = features[0];
        const Vocabulary vocabulary(text.at("vocabulary").get<std::vector<std::string>>());
        const int64_t length = text.at("sequenceLength").get<int64_t>();
        const TableColumn& column = columnNamed(table, path, text.at("column").get<std::string>());
        std::string lowered;
        std::vector<std::string_view> tokens;
        tokenizeText(column.cell(row), text.value("tokens", "word") == "char" ? TokenLevel::Char : TokenLevel::Word,
                     lowered, tokens);
        std::vector<float> ids(static_cast<size_t>(length), static_cast<float>(Vocabulary::kPadding));
        for (size_t t = 0; t < std::min(tokens.size(), ids.size()); ++t)
            ids[t] = static_cast<float>(vocabulary.id(tokens[t]));
        out.insert(out.end(), ids.begin(), ids.end());
        return;
    }
    for (const Json& feature : features) {
        const std::string name = feature.at("column").get<std::string>();
        const TableColumn& column = columnNamed(table, path, name);
        std::string cell = column.isMissing(row) ? std::string() : column.cell(row);
        if (cell.empty() || isMissingMarker(cell)) {
            if (!feature.contains("imputed"))
                throw DataError(where + ": column '" + name + "' is empty, and the model was trained without "
                                "filling in missing values");
            cell = feature["imputed"].is_string() ? feature["imputed"].get<std::string>()
                                                  : std::to_string(feature["imputed"].get<double>());
        }
        if (feature.value("kind", "") == "numeric") {
            char* end = nullptr;
            const double value = std::strtod(cell.c_str(), &end);
            if (end == cell.c_str() || *end != '\0')
                throw DataError(where + ": column '" + name + "' holds '" + cell + "', not a number");
            out.push_back(static_cast<float>(value));
            continue;
        }
        const std::vector<std::string> levels = feature.at("levels").get<std::vector<std::string>>();
        const auto level = std::find(levels.begin(), levels.end(), cell);
        if (level == levels.end()) {
            std::string known;
            for (const std::string& item : levels)
                known += (known.empty() ? "" : ", ") + item;
            throw DataError(where + ": column '" + name + "' holds '" + cell + "', which training never saw ("
                            + known + ")");
        }
        const auto index = static_cast<size_t>(level - levels.begin());
        if (feature.value("encoding", "") == "one_hot") {
            std::vector<float> oneHot(levels.size(), 0.0f);
            oneHot[index] = 1.0f;
            out.insert(out.end(), oneHot.begin(), oneHot.end());
        } else {
            out.push_back(static_cast<float>(index));
        }
    }
}

void readTable(const std::string& path, const SampleFormat& format, PredictionSamples& samples)
{
    const Json features = format.encoding.value("features", Json());
    if (!features.is_array() || features.empty() || !features[0].contains("column"))
        throw DataError(path + ": the model was not trained on table columns; give it "
                        + std::string(format.shape.size() == 3 ? "images" : "NPY arrays"));
    const Table table = readCsv(path, CsvOptions{});
    for (const Json& feature : features)
        columnNamed(table, path, feature.at("column").get<std::string>()); // a missing column fails the file
    const std::string name = std::filesystem::path(path).filename().string();
    std::vector<float> values;
    for (int64_t row = 0; row < table.rows; ++row) {
        values.clear();
        try {
            appendRow(table, path, features, row, values);
        } catch (const DataError& error) {
            samples.skipped.push_back(error.what());
            continue;
        }
        samples.values.insert(samples.values.end(), values.begin(), values.end());
        samples.names.push_back(name + " row " + std::to_string(row + 1));
    }
}

void readImage(const std::string& path, const SampleFormat& format, PredictionSamples& samples)
{
    const Shape& shape = format.shape;
    if (shape.size() != 3 || (shape[0] != 1 && shape[0] != 3))
        throw DataError(path + ": the model reads " + shapeToString(shape) + " samples, not images");
    const std::vector<uint8_t> pixels =
        decodeImage(path, static_cast<int>(shape[2]), static_cast<int>(shape[1]), static_cast<int>(shape[0]));
    for (uint8_t pixel : pixels)
        samples.values.push_back(pixel / 255.0f);
    samples.names.push_back(std::filesystem::path(path).filename().string());
}

// Whether the training features were bytes read as byte / 255: images and
// IDX say so at the top of their encoding, NPY arrays under "features".
bool trainedOnBytes(const Json& encoding)
{
    const Json features = encoding.value("features", Json::object());
    return encoding.value("scale", "") == "byte / 255"
           || (features.is_object() && features.value("scale", "") == "byte / 255");
}

void readArray(const std::string& path, const SampleFormat& format, PredictionSamples& samples)
{
    const NpyArray array = readNpy(path);
    const Shape& shape = format.shape;
    const bool one = array.shape == shape;
    const bool batch = array.shape.size() == shape.size() + 1 && std::equal(shape.begin(), shape.end(), array.shape.begin() + 1);
    if (!one && !batch)
        throw DataError(path + ": the array is " + npyShapeText(array.shape) + "; the model reads "
                        + shapeToString(shape) + " samples, one or a batch of them");
    const bool bytes = array.dtype() == NpyArray::DType::UInt8 && trainedOnBytes(format.encoding);
    for (int64_t i = 0; i < array.size(); ++i)
        samples.values.push_back(static_cast<float>(bytes ? array.at(i) / 255.0 : array.at(i)));
    const std::string name = std::filesystem::path(path).filename().string();
    const int64_t count = one ? 1 : array.shape[0];
    for (int64_t i = 0; i < count; ++i)
        samples.names.push_back(one ? name : name + " [" + std::to_string(i) + "]");
}

// x' = (x - offset) * scale, the statistics broadcast over a sample.
void normalize(PredictionSamples& samples, const Json& normalization)
{
    if (samples.tokenIds || !normalization.contains("offset"))
        return;
    const std::vector<float> offset = normalization.at("offset").get<std::vector<float>>();
    const std::vector<float> scale = normalization.at("scale").get<std::vector<float>>();
    const Shape statsShape = normalization.at("shape").get<Shape>();
    const Shape& shape = samples.shape;
    const int64_t perSample = shapeElementCount(shape);
    std::vector<size_t> index(static_cast<size_t>(perSample));
    for (int64_t i = 0; i < perSample; ++i) {
        int64_t rest = i, statsIndex = 0, statsStride = 1;
        for (size_t d = shape.size(); d-- > 0;) {
            const int64_t coordinate = rest % shape[d];
            rest /= shape[d];
            const size_t statsDim = d + statsShape.size() - shape.size();
            if (d + statsShape.size() >= shape.size() && statsShape[statsDim] != 1) {
                statsIndex += coordinate * statsStride;
                statsStride *= statsShape[statsDim];
            }
        }
        index[static_cast<size_t>(i)] = static_cast<size_t>(statsIndex);
    }
    for (size_t v = 0; v < samples.values.size(); ++v) {
        const size_t s = index[v % static_cast<size_t>(perSample)];
        samples.values[v] = (samples.values[v] - offset[s]) * scale[s];
    }
}

} // namespace

PredictionSamples readPredictionSamples(const std::vector<std::string>& paths, const SampleFormat& format)
{
    PredictionSamples samples;
    samples.shape = format.shape;
    samples.tokenIds = format.tokenIds;
    for (const std::string& path : paths) {
        if (!std::filesystem::is_regular_file(path))
            throw DataError(path + ": no such file");
        const std::string extension = lowerExtension(path);
        if (extension == ".csv" || extension == ".tsv" || extension == ".txt")
            readTable(path, format, samples);
        else if (extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".bmp")
            readImage(path, format, samples);
        else if (extension == ".npy")
            readArray(path, format, samples);
        else
            throw DataError(path + ": cannot predict from " + (extension.empty() ? "a file without extension" : extension)
                            + " files; give CSV/TSV rows, PNG/JPEG/BMP images or NPY arrays");
    }
    normalize(samples, format.normalization);
    return samples;
}

} // namespace lepton
