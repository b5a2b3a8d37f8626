#pragma once

#include <QString>

#include <functional>

class QMenu;

namespace lepton {

class LayerRegistry;
struct LayerSpec;

// Adds one submenu per layer category to `menu`, in palette order, holding
// the layers `include` accepts (a category with none is left out). Each
// entry's objectName is "layer:<type>"; choosing it calls `chosen(type)`.
void addLayerMenus(QMenu* menu, const LayerRegistry& registry,
                   const std::function<bool(const LayerSpec&)>& include,
                   const std::function<void(const QString&)>& chosen);

} // namespace lepton
