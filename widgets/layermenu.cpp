#include "layermenu.h"

#include "graph/layerregistry.h"
#include "layerstyle.h"

#include <QMenu>

#include <map>

namespace lepton {

void addLayerMenus(QMenu* menu, const LayerRegistry& registry,
                   const std::function<bool(const LayerSpec&)>& include,
                   const std::function<void(const QString&)>& chosen)
{
    std::map<std::string, QMenu*> categories;
    for (const LayerSpec& spec : registry.specs()) {
        if (!include(spec))
            continue;
        QMenu*& category = categories[spec.category];
        if (!category) {
            category = menu->addMenu(categoryIcon(spec.category), QString::fromStdString(spec.category));
            category->setObjectName(QStringLiteral("category:") + QString::fromStdString(spec.category));
        }
        QAction* entry = category->addAction(QString::fromStdString(spec.displayName));
        entry->setObjectName(QStringLiteral("layer:") + QString::fromStdString(spec.type));
        entry->setToolTip(QString::fromStdString(spec.description));
        const QString type = QString::fromStdString(spec.type);
        QObject::connect(entry, &QAction::triggered, menu, [chosen, type] { chosen(type); });
    }
}

} // namespace lepton
