#include "export/pythonpackage.h"

namespace lepton {

std::string pythonModelSource(const ModelCode& code, const std::string& origin)
{
    std::string source = "\"\"\"" + code.className + ": " + origin + ".\"\"\"\n\n"
                         "import math\n\n"
                         "import torch\n"
                         "from torch import nn\n"
                         "import torch.nn.functional as F\n\n\n";
    for (const std::string& helper : code.helperSources())
        source += helper + "\n\n";
    source += "class " + code.className + "(nn.Module):\n"
              "    def __init__(self):\n"
              "        super().__init__()\n";
    for (const LayerCodeEntry& layer : code.layers) {
        if (!layer.code.module.empty())
            source += "        self." + layer.identifier + " = " + layer.code.module + "\n";
    }
    source += "\n    def forward(self, " + code.inputName + "):\n";
    for (const std::string& line : code.forward(false))
        source += "        " + line + "\n";
    return source;
}

} // namespace lepton
