#include "shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>

namespace lepton {

namespace {

QString plainText(QString text)
{
    return text.remove(QLatin1Char('&')).remove(QStringLiteral("..."));
}

} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menus, QWidget* parent)
    : QDialog(parent)
    , m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Command"), tr("Keys")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);

    auto addSection = [this](const QString& title) {
        auto* section = new QTreeWidgetItem(m_list, {title});
        QFont font = section->font(0);
        font.setBold(true);
        section->setFont(0, font);
        section->setFirstColumnSpanned(true);
        return section;
    };
    // Submenus list under their top-level menu.
    std::function<void(const QMenu*, QTreeWidgetItem*)> addActions;
    addActions = [&](const QMenu* menu, QTreeWidgetItem* section) {
        for (const QAction* action : menu->actions()) {
            if (action->menu()) {
                addActions(action->menu(), section);
            } else if (!action->shortcuts().isEmpty()) {
                const QString keys = QKeySequence::listToString(action->shortcuts(), QKeySequence::NativeText);
                new QTreeWidgetItem(section, {plainText(action->text()), keys});
            }
        }
    };
    for (const QAction* entry : menus->actions()) {
        if (!entry->menu())
            continue;
        QTreeWidgetItem* section = addSection(plainText(entry->text()));
        addActions(entry->menu(), section);
        if (section->childCount() == 0)
            delete section;
    }
    QTreeWidgetItem* canvas = addSection(tr("Canvas"));
    const std::pair<QString, QString> gestures[] = {
        {tr("Move the selected layers"), tr("Arrow keys")},
        {tr("Move them in larger steps"), tr("Shift+Arrow keys")},
        {tr("Cancel the wire being drawn"), tr("Esc")},
        {tr("Zoom around the cursor"), tr("Ctrl+Wheel")},
        {tr("Pan"), tr("Middle button drag")},
        {tr("Connect two ports"), tr("Drag from port to port")},
        {tr("Commands for a layer, a wire or the canvas"), tr("Right-click")},
    };
    for (const auto& [what, keys] : gestures)
        new QTreeWidgetItem(canvas, {what, keys});
    m_list->expandAll();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(460, 560);
}

QStringList ShortcutsDialog::rows() const
{
    QStringList rows;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* section = m_list->topLevelItem(i);
        for (int j = 0; j < section->childCount(); ++j)
            rows << section->text(0) + QLatin1Char('\t') + section->child(j)->text(0) + QLatin1Char('\t')
                    + section->child(j)->text(1);
    }
    return rows;
}

} // namespace lepton
