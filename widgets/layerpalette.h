#pragma once

#include "graph/block.h"

#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace lepton {

class LayerRegistry;

// Drag payload of a palette entry: the layer type as UTF-8.
inline constexpr char kLayerMimeType[] = "application/x-lepton-layer";

// Every registered layer, grouped by category, with a filter box that
// matches layer names, types, descriptions and category names. Entries drag
// onto the canvas; a double-click asks for the layer to be added. A last
// category, "Blocks", lists the project's blocks and the user library's;
// they drag (kBlockMimeType) and activate the same way.
class LayerPalette : public QWidget {
    Q_OBJECT

public:
    explicit LayerPalette(const LayerRegistry& registry, QWidget* parent = nullptr);

    QTreeWidget* tree() const { return m_tree; }
    QLineEdit* filter() const { return m_filter; }
    // "No layers match 'xyz'" while the filter hides every layer, else empty.
    QString emptyText() const;
    // Lists the project's blocks, then the library's, leaving out those the
    // project holds as they are; one whose name the project gives another
    // block reads "res (library)".
    void setBlocks(const std::vector<BlockDefinition>& project, const std::vector<BlockDefinition>& library);

Q_SIGNALS:
    void layerActivated(const QString& type);
    // A block entry was activated; `block` is its kBlockMimeType payload.
    void blockActivated(const QByteArray& block);

private:
    void populate(const LayerRegistry& registry);
    void addBlockEntry(const BlockDefinition& block, const QString& label, const QString& origin);
    void applyFilter(const QString& text);

    QLineEdit* m_filter;
    QTreeWidget* m_tree;
    QTreeWidgetItem* m_blocks; // the Blocks category
    QLabel* m_empty;
};

} // namespace lepton
