#include "layerpalette.h"

#include "graph/layerregistry.h"
#include "layerstyle.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>

namespace lepton {

namespace {

constexpr int kTypeRole = Qt::UserRole;
constexpr int kSearchRole = Qt::UserRole + 1; // the text the filter looks in

// A tree whose layer entries drag out as kLayerMimeType.
class PaletteTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;

protected:
    QStringList mimeTypes() const override { return {QString::fromLatin1(kLayerMimeType)}; }

    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override
    {
        if (items.isEmpty() || items.front()->data(0, kTypeRole).isNull())
            return nullptr;
        auto* mime = new QMimeData;
        mime->setData(QString::fromLatin1(kLayerMimeType), items.front()->data(0, kTypeRole).toString().toUtf8());
        return mime;
    }
};

} // namespace

LayerPalette::LayerPalette(const LayerRegistry& registry, QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new PaletteTree(this))
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
        if (!type.isNull())
            Q_EMIT layerActivated(type.toString());
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
        if (!category) {
            category = new QTreeWidgetItem(m_tree, {QString::fromStdString(spec.category)});
            category->setFlags(Qt::ItemIsEnabled);
            QFont font = category->font(0);
            font.setBold(true);
            category->setFont(0, font);
        }
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
    m_tree->expandAll();
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
