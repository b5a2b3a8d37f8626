#include "layerpalette.h"

#include "graph/layerregistry.h"
#include "layerstyle.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>

namespace lepton {

namespace {

constexpr int kTypeRole = Qt::UserRole;

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

QIcon categoryIcon(const std::string& category)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(categoryColor(category));
    painter.drawRoundedRect(QRectF(1, 1, 12, 12), 3, 3);
    return QIcon(pixmap);
}

} // namespace

LayerPalette::LayerPalette(const LayerRegistry& registry, QWidget* parent)
    : QWidget(parent)
    , m_filter(new QLineEdit(this))
    , m_tree(new PaletteTree(this))
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
    layout->addWidget(m_tree);

    populate(registry);
    connect(m_filter, &QLineEdit::textChanged, this, &LayerPalette::applyFilter);
    connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QVariant type = item->data(0, kTypeRole);
        if (!type.isNull())
            Q_EMIT layerActivated(type.toString());
    });
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
        item->setIcon(0, categoryIcon(spec.category));
        item->setToolTip(0, QStringLiteral("<b>%1</b> (%2)<br>%3")
                                .arg(QString::fromStdString(spec.displayName).toHtmlEscaped(),
                                     QString::fromStdString(spec.type).toHtmlEscaped(),
                                     QString::fromStdString(spec.description).toHtmlEscaped()));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    m_tree->expandAll();
}

void LayerPalette::applyFilter(const QString& text)
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* category = m_tree->topLevelItem(i);
        bool anyVisible = false;
        for (int j = 0; j < category->childCount(); ++j) {
            QTreeWidgetItem* item = category->child(j);
            const bool match = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive)
                || item->data(0, kTypeRole).toString().contains(text, Qt::CaseInsensitive)
                || item->toolTip(0).contains(text, Qt::CaseInsensitive);
            item->setHidden(!match);
            anyVisible |= match;
        }
        category->setHidden(!anyVisible);
    }
}

} // namespace lepton
