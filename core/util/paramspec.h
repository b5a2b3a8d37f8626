#pragma once

#include <nlohmann/json.hpp>

#include <limits>
#include <string>
#include <vector>

namespace lepton {

// Int parameters stay within 32 bits so shape arithmetic never overflows.
constexpr double kParamIntLimit = 2147483647.0;

// Kinds of parameter a layer or data source declares. Editors, validation,
// project files and `lepton layers` all read the same schema.
enum class ParamType {
    Int,
    Float,
    Bool,
    Choice,
    IntList,
    FloatList,  // e.g. class weights
    String,     // free text, e.g. a column name
    StringList, // e.g. the feature columns
    File,       // a path to a file; relative paths resolve against the project
    Folder,     // a path to a folder
};

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::Int;
    nlohmann::json defaultValue;
    double minimum = -std::numeric_limits<double>::infinity();
    double maximum = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices; // Choice only; File: dialog name filters
    std::string help;
};

// "int", "float", "bool", "choice", "int list", "float list", "string",
// "string list",
// "file", "folder": the names `lepton layers` and `lepton data` print.
std::string paramTypeName(ParamType type);

// Empty if `value` suits `spec`; else the problem, phrased to follow
// "parameter 'x' ", e.g. "must be between 1 and 10, got 0".
std::string paramValueProblem(const ParamSpec& spec, const nlohmann::json& value);

// Empty if `params` is an object whose every key is declared and every value
// suits its spec; else the first problem, naming the parameter, whose name
// goes to `param` when given.
std::string paramsProblem(const std::vector<ParamSpec>& specs, const nlohmann::json& params,
                          std::string* param = nullptr);

// `params` with every missing declared parameter at its default.
nlohmann::json withDefaults(const std::vector<ParamSpec>& specs, const nlohmann::json& params);

const ParamSpec* findParam(const std::vector<ParamSpec>& specs, const std::string& name);

} // namespace lepton
