#include "model/layerbuilder.h"

#include "layers/layerkit.h"
#include "model/modelerror.h"

namespace lepton {

namespace {

// The engine's copy of the built-in registry: the same specs as
// LayerRegistry::builtin(), with their builders.
const LayerRegistry& engineRegistry()
{
    static const LayerRegistry registry = engine_layers::makeBuiltinRegistry();
    return registry;
}

} // namespace

bool hasBuilder(const std::string& type)
{
    const LayerSpec* spec = engineRegistry().find(type);
    return spec && spec->build;
}

BuiltLayer buildLayer(const LayerContext& context)
{
    const LayerSpec* spec = engineRegistry().find(context.node.type);
    if (!spec || !spec->build)
        throw ModelError(describeNode(context.node) + " cannot be built: no builder for its type");
    return spec->build(context);
}

} // namespace lepton
