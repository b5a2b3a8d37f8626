#include "graph/layercode.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace lepton {

std::string pyFloat(double value)
{
    if (std::isinf(value))
        return value > 0 ? "float('inf')" : "float('-inf')";
    char text[32];
    for (int digits = 6; digits <= 17; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        if (std::strtod(text, nullptr) == value)
            break;
    }
    std::string result = text;
    if (result.find_first_of(".en") == std::string::npos)
        result += ".0";
    return result;
}

std::string pyBool(bool value)
{
    return value ? "True" : "False";
}

std::string pyInts(const std::vector<int64_t>& values)
{
    std::string result = "[";
    for (size_t i = 0; i < values.size(); ++i)
        result += (i ? ", " : "") + std::to_string(values[i]);
    return result + "]";
}

std::string tensorOrNone(bool present, const std::string& tensor)
{
    return present ? tensor : "None";
}

LayerCode expressionCode(const std::string& expression)
{
    LayerCode code;
    code.statements = {"{out0} = " + expression};
    return code;
}

LayerCode functionalCode(const std::string& function, const std::string& args,
                         const std::string& scriptArgs)
{
    LayerCode code;
    code.statements = {"{out0} = F." + function + "({in0}" + (args.empty() ? "" : ", " + args) + ")"};
    code.scriptStatements = {"{out0} = torch." + function + "({in0}"
                             + (scriptArgs.empty() ? "" : ", " + scriptArgs) + ")"};
    return code;
}

LayerCode moduleCode(const LayerContext& context, std::string module, std::string scriptForward)
{
    LayerCode code;
    code.module = std::move(module);
    code.scriptForward = std::move(scriptForward);
    std::string call = "{out0} = {self}(";
    for (size_t port = 0; port < context.shapes.inputs.size(); ++port)
        call += (port ? ", {in" : "{in") + std::to_string(port) + "}";
    code.statements = {call + ")"};
    return code;
}

} // namespace lepton
