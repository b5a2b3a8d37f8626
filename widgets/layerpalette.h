#pragma once

#include <QWidget>

class QLineEdit;
class QTreeWidget;

namespace lepton {

class LayerRegistry;

// Drag payload of a palette entry: the layer type as UTF-8.
inline constexpr char kLayerMimeType[] = "application/x-lepton-layer";

// Every registered layer, grouped by category, with a filter box. Entries
// drag onto the canvas; a double-click asks for the layer to be added.
class LayerPalette : public QWidget {
    Q_OBJECT

public:
    explicit LayerPalette(const LayerRegistry& registry, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }

Q_SIGNALS:
    void layerActivated(const QString& type);

private:
    void populate(const LayerRegistry& registry);
    void applyFilter(const QString& text);

    QLineEdit* m_filter;
    QTreeWidget* m_tree;
};

} // namespace lepton
