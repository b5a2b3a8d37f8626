#include "project/jsonreader.h"

#include "project/project.h"
#include "util/atomicfile.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <system_error>

namespace lepton {

namespace {

// Far deeper than any project; keeps recursive JSON copies off the stack's edge.
constexpr int kMaxJsonDepth = 64;
// Far larger than any project (100,000 layers take 7 MB); parsed JSON takes
// several times its text in memory.
constexpr uint64_t kMaxProjectFileBytes = uint64_t(256) << 20;

// nlohmann's message reads "[json.exception.parse_error.101] parse error at
// line L, column C: <what>"; keep it from "line" on.
std::string syntaxProblem(const nlohmann::json::parse_error& error)
{
    const std::string message = error.what();
    const size_t line = message.find("line ");
    return line == std::string::npos ? "invalid JSON near byte " + std::to_string(error.byte) + ": " + message
                                     : message.substr(line);
}

// "line 3, column 7", as nlohmann's syntax errors place themselves.
std::string positionOf(std::string_view text, size_t offset)
{
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// One linear pass before parsing for what the parser would take too long to
// refuse or refuses without a place: nesting deeper than kMaxJsonDepth
// (copying JSON recurses once per level; a depth callback makes nlohmann
// rescan each container as it closes) and numbers beyond a double's range.
void checkJsonText(std::string_view text, const std::string& path)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth)
                throw ProjectError(path, {}, positionOf(text, i) + ": nested more than "
                                                 + std::to_string(kMaxJsonDepth) + " levels deep");
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t end = i + 1;
            while (end < text.size() && std::strchr("0123456789+-.eE", text[end]) && text[end] != '\0')
                ++end;
            const std::string number(text.substr(i, end - i));
            if (std::isinf(std::strtod(number.c_str(), nullptr)))
                throw ProjectError(path, {}, positionOf(text, i) + ": number " + number
                                                 + " is out of range (beyond 1.8e308)");
            i = end - 1;
        }
    }
}

} // namespace

JsonReader::JsonReader(const nlohmann::json& value, std::string path)
    : m_value(&value), m_path(std::move(path))
{
}

std::string JsonReader::childPath(const std::string& key) const
{
    return m_path.empty() ? key : m_path + "." + key;
}

void JsonReader::fail(const std::string& problem) const
{
    throw ProjectError(std::string(), m_path, problem);
}

void JsonReader::failType(const char* expected) const
{
    fail(std::string("expected ") + expected + ", got " + m_value->type_name());
}

const JsonReader& JsonReader::expectObject() const
{
    if (!m_value->is_object())
        failType("an object");
    return *this;
}

std::optional<JsonReader> JsonReader::find(const std::string& key) const
{
    expectObject();
    auto it = m_value->find(key);
    if (it == m_value->end())
        return std::nullopt;
    return JsonReader(*it, childPath(key));
}

JsonReader JsonReader::at(const std::string& key) const
{
    std::optional<JsonReader> member = find(key);
    if (!member)
        throw ProjectError({}, childPath(key), "required key is missing");
    return *member;
}

size_t JsonReader::size() const
{
    if (!m_value->is_array())
        failType("an array");
    return m_value->size();
}

JsonReader JsonReader::at(size_t index) const
{
    if (index >= size())
        fail("has no element " + std::to_string(index));
    return JsonReader((*m_value)[index], m_path + "[" + std::to_string(index) + "]");
}

void JsonReader::rejectUnknownKeys(std::initializer_list<const char*> known) const
{
    expectObject();
    for (auto it = m_value->begin(); it != m_value->end(); ++it) {
        const bool isKnown = std::any_of(known.begin(), known.end(),
                                         [&](const char* key) { return it.key() == key; });
        if (!isKnown)
            at(it.key()).fail("unknown key '" + it.key() + "'");
    }
}

int64_t JsonReader::toInt(int64_t minimum, int64_t maximum) const
{
    if (!m_value->is_number_integer())
        failType("an integer");
    if (m_value->is_number_unsigned() && m_value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
        fail("is too large: " + m_value->dump());
    const int64_t value = m_value->get<int64_t>();
    if (value < minimum || value > maximum) {
        const std::string range = maximum == INT64_MAX
            ? "at least " + std::to_string(minimum)
            : "between " + std::to_string(minimum) + " and " + std::to_string(maximum);
        fail("must be " + range + ", got " + std::to_string(value));
    }
    return value;
}

uint64_t JsonReader::toUnsigned() const
{
    if (!m_value->is_number_integer())
        failType("an integer");
    if (!m_value->is_number_unsigned())
        fail("must be 0 or more, got " + m_value->dump());
    return m_value->get<uint64_t>();
}

double JsonReader::toDouble() const
{
    if (!m_value->is_number())
        failType("a number");
    return m_value->get<double>();
}

bool JsonReader::toBool() const
{
    if (!m_value->is_boolean())
        failType("true or false");
    return m_value->get<bool>();
}

std::string JsonReader::toString() const
{
    if (!m_value->is_string())
        failType("a string");
    return m_value->get<std::string>();
}

void JsonReader::read(const std::string& key, int64_t& out, int64_t minimum) const
{
    if (auto member = find(key))
        out = member->toInt(minimum);
}

void JsonReader::read(const std::string& key, int& out, int minimum) const
{
    if (auto member = find(key))
        out = static_cast<int>(member->toInt(minimum, INT32_MAX));
}

void JsonReader::read(const std::string& key, uint64_t& out) const
{
    if (auto member = find(key))
        out = member->toUnsigned();
}

void JsonReader::read(const std::string& key, double& out) const
{
    if (auto member = find(key))
        out = member->toDouble();
}

void JsonReader::read(const std::string& key, bool& out) const
{
    if (auto member = find(key))
        out = member->toBool();
}

void JsonReader::read(const std::string& key, std::string& out) const
{
    if (auto member = find(key))
        out = member->toString();
}

nlohmann::json readJsonFile(const std::string& path)
{
    std::string text;
    try {
        text = readFile(path, kMaxProjectFileBytes);
    } catch (const FileReadError& error) {
        throw ProjectError(path, {}, error.reason());
    }
    checkJsonText(text, path);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw ProjectError(path, {}, syntaxProblem(error));
    }
}

} // namespace lepton
