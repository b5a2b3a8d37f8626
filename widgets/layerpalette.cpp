#include "layerpalette.h"

#include "blocks/blockmime.h"
#include "graph/layerregistry.h"
#include "layerstyle.h"
#include "project/blockjson.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace lepton {

namespace {

constexpr int kTypeRole = Qt::UserRole;
constexpr int kSearchRole = Qt::UserRole + 1; // the text the filter looks in
constexpr int kBlockRole = Qt::UserRole + 2;  // a block's kBlockMimeType payload

// A tree whose layer entries drag out as kLayerMimeType, blocks as kBlockMimeType.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override
    {
        return {QString::fromLatin1(kLayerMimeType), QString::fromLatin1(kBlockMimeType)};
    }

    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override
    {
        if (items.isEmpty())
            return nullptr;
        const QVariant type = items.front()->data(0, kTypeRole);
        const QVariant block = items.front()->data(0, kBlockRole);
        if (type.isNull() && block.isNull())
            return nullptr;
        auto* mime = new QMimeData;
        if (!type.isNull())
            mime->setData(QString::fromLatin1(kLayerMimeType), type.toString().toUtf8());
        else
            mime->setData(QString::fromLatin1(kBlockMimeType), block.toByteArray());
        return mime;
    }
};

QTreeWidgetItem* addCategory(QTreeWidget* tree, const QString& name)
{
    auto* category = new QTreeWidgetItem(tree, {name});
    category->setFlags(Qt::ItemIsEnabled);
    QFont font = category->font(0);
    font.setBold(true);
    category->setFont(0, font);
    return category;
}

bool sameBlock(const BlockDefinition& a, const BlockDefinition& b)
{
    return blockToJson(a) == blockToJson(b);
}

} // namespace

LayerPalette::LayerPalette(const LayerRegistry& registry, QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new PaletteTree(this))
    , m_blocks(nullptr)
    , m_empty(new QLabel(this))
{
    m_filter->setPlaceholderText(tr("Filter layers"));
    m_filter->setClearButtonEnabled(true);
    m_tree->setObjectName(QStringLiteral("layerTree"));
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setDragEnabled(true);
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setIndentation(14);
    m_tree->setUniformRowHeights(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(m_filter);
    layout->addWidget(m_empty);
    layout->addWidget(m_tree);
    m_empty->setObjectName(QStringLiteral("paletteEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color: #5f6b7a;"));
    m_empty->hide();

    populate(registry);
    connect(m_filter, &QLineEdit::textChanged, this, &LayerPalette::applyFilter);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QVariant type = item->data(0, kTypeRole);
        const QVariant block = item->data(0, kBlockRole);
        if (!type.isNull())
            Q_EMIT layerActivated(type.toString());
        else if (!block.isNull())
            Q_EMIT blockActivated(block.toByteArray());
    });
}

QString LayerPalette::emptyText() const
{
    return m_empty->isHidden() ? QString() : m_empty->text();
}

void LayerPalette::populate(const LayerRegistry& registry)
{
    std::map<std::string, QTreeWidgetItem*> categories;
    for (const LayerSpec& spec : registry.specs()) {
        QTreeWidgetItem*& category = categories[spec.category];
        if (!category)
            category = addCategory(m_tree, QString::fromStdString(spec.category));
        auto* item = new QTreeWidgetItem(category, {QString::fromStdString(spec.displayName)});
        item->setData(0, kTypeRole, QString::fromStdString(spec.type));
        item->setData(0, kSearchRole,
                      QString::fromStdString(spec.displayName + ' ' + spec.type + ' ' + spec.description));
        item->setIcon(0, categoryIcon(spec.category));
        item->setToolTip(0, QStringLiteral("<b>%1</b> (%2)<br>%3")
                                .arg(QString::fromStdString(spec.displayName).toHtmlEscaped(),
                                     QString::fromStdString(spec.type).toHtmlEscaped(),
                                     QString::fromStdString(spec.description).toHtmlEscaped()));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    m_blocks = addCategory(m_tree, tr("Blocks"));
    m_blocks->setHidden(true);
    m_tree->expandAll();
}

void LayerPalette::setBlocks(const std::vector<BlockDefinition>& project,
                             const std::vector<BlockDefinition>& library)
{
    qDeleteAll(m_blocks->takeChildren());
    for (const BlockDefinition& block : project)
        addBlockEntry(block, QString::fromStdString(block.name), tr("In this project"));
    for (const BlockDefinition& block : library) {
        const auto namesake = std::find_if(project.begin(), project.end(),
                                           [&block](const BlockDefinition& b) { return b.name == block.name; });
        if (namesake != project.end() && sameBlock(*namesake, block))
            continue;
        const QString name = QString::fromStdString(block.name);
        addBlockEntry(block, namesake == project.end() ? name : tr("%1 (library)").arg(name),
                      tr("From your block library"));
    }
    m_blocks->setExpanded(true);
    applyFilter(m_filter->text());
}

void LayerPalette::addBlockEntry(const BlockDefinition& block, const QString& label, const QString& origin)
{
    auto* item = new QTreeWidgetItem(m_blocks, {label});
    item->setData(0, kBlockRole, blockToMimeBytes(block));
    const QString description = QString::fromStdString(block.description);
    item->setData(0, kSearchRole, label + QLatin1Char(' ') + description);
    item->setIcon(0, categoryIcon("Blocks"));
    QString tip = QStringLiteral("<b>%1</b><br>").arg(label.toHtmlEscaped())
        + tr("%1 layers; inputs: %2, outputs: %3")
              .arg(block.graph.nodes().size())
              .arg(block.inputs.size())
              .arg(block.outputs.size());
    if (!description.isEmpty())
        tip += QStringLiteral("<br>") + description.toHtmlEscaped();
    item->setToolTip(0, tip + QStringLiteral("<br><i>%1</i>").arg(origin));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
}

void LayerPalette::applyFilter(const QString& filter)
{
    const QString text = filter.trimmed();
    bool anyLayer = false;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* category = m_tree->topLevelItem(i);
        // A category's name shows all of its layers ("pool", "dense").
        const bool wholeCategory = category->text(0).contains(text, Qt::CaseInsensitive);
        bool anyVisible = false;
        for (int j = 0; j < category->childCount(); ++j) {
            QTreeWidgetItem* item = category->child(j);
            const bool match = wholeCategory
                || item->data(0, kSearchRole).toString().contains(text, Qt::CaseInsensitive);
            item->setHidden(!match);
            anyVisible |= match;
        }
        category->setHidden(!anyVisible);
        anyLayer |= anyVisible;
    }
    m_empty->setText(tr("No layers match '%1'").arg(text));
    m_empty->setVisible(!anyLayer);
}

} // namespace lepton
