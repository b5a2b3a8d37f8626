#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTreeWidget;

namespace lepton {

class LayerRegistry;

// Drag payload of a palette entry: the layer type as UTF-8.
inline constexpr char kLayerMimeType[] = "application/x-lepton-layer";

// Every registered layer, grouped by category, with a filter box that
// matches layer names, types, descriptions and category names. Entries drag
// onto the canvas; a double-click asks for the layer to be added.
class LayerPalette : public QWidget {
    Q_OBJECT

public:
    explicit LayerPalette(const LayerRegistry& registry, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }
    QLineEdit* filter() const { return m_filter; }
    // "No layers match 'xyz'" while the filter hides every layer, else empty.
    QString emptyText() const;

Q_SIGNALS:
    void layerActivated(const QString& type);

private:
    void populate(const LayerRegistry& registry);
    void applyFilter(const QString& text);

    QLineEdit* m_filter;
    QTreeWidget* m_tree;
    QLabel* m_empty;
};

} // namespace lepton
