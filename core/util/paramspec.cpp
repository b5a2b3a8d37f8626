#include "util/paramspec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace lepton {

namespace {

// "1", "0.5", "1e-05": bounds read like the user typed them.
std::string formatBound(double value)
{
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return std::to_string(static_cast<int64_t>(value));
    return nlohmann::json(value).dump(); // shortest text that reads back exactly
}

std::string rangeProblem(const ParamSpec& spec, double value, const std::string& shown)
{
    if (value >= spec.minimum && value <= spec.maximum)
        return {};
    std::string bound;
    if (std::isfinite(spec.minimum) && std::isfinite(spec.maximum))
        bound = "between " + formatBound(spec.minimum) + " and " + formatBound(spec.maximum);
    else if (std::isfinite(spec.minimum))
        bound = ">= " + formatBound(spec.minimum);
    else
        bound = "<= " + formatBound(spec.maximum);
    return "must be " + bound + ", got " + shown;
}

std::string intProblem(const ParamSpec& spec, const nlohmann::json& value)
{
    if (!value.is_number_integer())
        return "must be an integer, got " + value.dump();
    double number = value.get<double>();
    if (std::fabs(number) > kParamIntLimit)
        return "is too large, got " + value.dump();
    return rangeProblem(spec, number, value.dump());
}

bool allOf(const nlohmann::json& value, bool (nlohmann::json::*test)() const noexcept)
{
    return value.is_array()
        && std::all_of(value.begin(), value.end(),
                       [test](const nlohmann::json& item) { return (item.*test)(); });
}

} // namespace

std::string paramTypeName(ParamType type)
{
    switch (type) {
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::Bool: return "bool";
    case ParamType::Choice: return "choice";
    case ParamType::IntList: return "int list";
    case ParamType::FloatList: return "float list";
    case ParamType::String: return "string";
    case ParamType::StringList: return "string list";
    case ParamType::File: return "file";
    case ParamType::Folder: return "folder";
    }
    return "unknown";
}

std::string paramValueProblem(const ParamSpec& spec, const nlohmann::json& value)
{
    switch (spec.type) {
    case ParamType::Int:
        return intProblem(spec, value);
    case ParamType::Float:
        if (!value.is_number())
            return "must be a number, got " + value.dump();
        return rangeProblem(spec, value.get<double>(), value.dump());
    case ParamType::Bool:
        return value.is_boolean() ? std::string() : "must be true or false, got " + value.dump();
    case ParamType::Choice: {
        bool known = value.is_string()
            && std::find(spec.choices.begin(), spec.choices.end(), value.get<std::string>())
                != spec.choices.end();
        if (known)
            return {};
        std::string list;
        for (const std::string& choice : spec.choices)
            list += (list.empty() ? "'" : ", '") + choice + "'";
        return "must be one of " + list + ", got " + value.dump();
    }
    case ParamType::IntList:
        if (!allOf(value, &nlohmann::json::is_number_integer))
            return "must be a list of integers, got " + value.dump();
        for (const nlohmann::json& item : value) {
            std::string problem = intProblem(spec, item);
            if (!problem.empty())
                return "values " + problem;
        }
        return {};
    case ParamType::FloatList:
        if (!allOf(value, &nlohmann::json::is_number))
            return "must be a list of numbers, got " + value.dump();
        for (const nlohmann::json& item : value) {
            std::string problem = rangeProblem(spec, item.get<double>(), item.dump());
            if (!problem.empty())
                return "values " + problem;
        }
        return {};
    case ParamType::String:
    case ParamType::File:
    case ParamType::Folder:
        if (!value.is_string())
            return "must be text, got " + value.dump();
        // A NUL would silently shorten a path handed to the system.
        if (value.get_ref<const std::string&>().find('\0') != std::string::npos)
            return "must not contain a NUL character";
        return {};
    case ParamType::StringList:
        return allOf(value, &nlohmann::json::is_string)
            ? std::string()
            : "must be a list of text values, got " + value.dump();
    }
    return {};
}

std::string paramsProblem(const std::vector<ParamSpec>& specs, const nlohmann::json& params,
                          std::string* param)
{
    if (!params.is_object())
        return "parameters must be a JSON object, got " + params.dump();
    for (const auto& [name, value] : params.items()) {
        const ParamSpec* spec = findParam(specs, name);
        std::string problem = spec ? paramValueProblem(*spec, value) : std::string();
        if (spec && problem.empty())
            continue;
        if (param)
            *param = name;
        return spec ? "parameter '" + name + "' " + problem : "unknown parameter '" + name + "'";
    }
    return {};
}

nlohmann::json withDefaults(const std::vector<ParamSpec>& specs, const nlohmann::json& params)
{
    nlohmann::json complete = params.is_object() ? params : nlohmann::json::object();
    for (const ParamSpec& param : specs) {
        if (!complete.contains(param.name))
            complete[param.name] = param.defaultValue;
    }
    return complete;
}

const ParamSpec* findParam(const std::vector<ParamSpec>& specs, const std::string& name)
{
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&name](const ParamSpec& p) { return p.name == name; });
    return it == specs.end() ? nullptr : &*it;
}

} // namespace lepton
