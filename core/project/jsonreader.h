#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace lepton {

// One value inside a JSON document together with its path from the root
// ("graph.nodes[2].params"), so every complaint can say where it happened.
// All errors are ProjectError with that path and an empty file name.
class JsonReader {
public:
    JsonReader(const nlohmann::json& value, std::string path);

    const nlohmann::json& value() const { return *m_value; }
    const std::string& path() const { return m_path; }

    // The member `key`; the value must be an object holding it.
    JsonReader at(const std::string& key) const;
    // The member `key` if present; the value must be an object.
    std::optional<JsonReader> find(const std::string& key) const;
    // Element `index`; the value must be an array.
    JsonReader at(size_t index) const;
    // Number of elements; the value must be an array.
    size_t size() const;

    const JsonReader& expectObject() const;
    // Typos in keys would otherwise pass silently and vanish on the next save.
    void rejectUnknownKeys(std::initializer_list<const char*> known) const;

    int64_t toInt(int64_t minimum = INT64_MIN, int64_t maximum = INT64_MAX) const;
    uint64_t toUnsigned() const;
    double toDouble() const;
    bool toBool() const;
    std::string toString() const;

    // Leave `out` (the default) alone when `key` is absent.
    void read(const std::string& key, int64_t& out, int64_t minimum = INT64_MIN) const;
    void read(const std::string& key, int& out, int minimum = INT32_MIN) const;
    void read(const std::string& key, uint64_t& out) const;
    void read(const std::string& key, double& out) const;
    void read(const std::string& key, bool& out) const;
    void read(const std::string& key, std::string& out) const;

    [[noreturn]] void fail(const std::string& problem) const;

private:
    std::string childPath(const std::string& key) const;
    [[noreturn]] void failType(const char* expected) const;

    const nlohmann::json* m_value;
    std::string m_path;
};

// Reads and parses a JSON file, refusing nesting deeper than any real file
// needs. Throws ProjectError with the file name set and no JSON path: the
// file cannot be read, or its syntax is wrong (with line and column).
nlohmann::json readJsonFile(const std::string& path);

} // namespace lepton
