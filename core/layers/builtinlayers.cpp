#include "layers/layerkit.h"

namespace lepton::LEPTON_LAYERS_NAMESPACE {

LayerRegistry makeBuiltinRegistry()
{
    LayerRegistry registry;
    // Palette order: data in and out, then the layers roughly in the order a
    // network uses them, merges last.
    addInputOutputLayers(registry);
    addDenseLayers(registry);
    addConvolutionLayers(registry);
    addPoolingLayers(registry);
    addNormalizationLayers(registry);
    addActivationLayers(registry);
    addRecurrentLayers(registry);
    addAttentionLayers(registry);
    addReshapeLayers(registry);
    addMergeLayers(registry);
    return registry;
}

} // namespace lepton::LEPTON_LAYERS_NAMESPACE
