#include "recentfilesmenu.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace lepton {

namespace {

const QString kSettingsKey = QStringLiteral("recentFiles");

} // namespace

RecentFilesMenu::RecentFilesMenu(const QString& title, QWidget* parent)
    : QMenu(title, parent)
{
    rebuild();
}

QStringList RecentFilesMenu::files() const
{
    return QSettings().value(kSettingsKey).toStringList();
}

void RecentFilesMenu::addFile(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList list = files();
    list.removeAll(absolute);
    list.prepend(absolute);
    store(list.mid(0, kMaxFiles));
}

void RecentFilesMenu::removeFile(const QString& path)
{
    QStringList list = files();
    list.removeAll(QFileInfo(path).absoluteFilePath());
    store(list);
}

void RecentFilesMenu::clearFiles()
{
    store({});
}

void RecentFilesMenu::store(const QStringList& files)
{
    QSettings().setValue(kSettingsKey, files);
    rebuild();
}

void RecentFilesMenu::rebuild()
{
    clear();
    const QStringList list = files();
    for (int i = 0; i < list.size(); ++i) {
        const QString& path = list[i];
        const QString label = QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName());
        QAction* action = addAction(label, this, [this, path] { Q_EMIT fileTriggered(path); });
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(QDir::toNativeSeparators(path));
    }
    if (!list.isEmpty())
        addSeparator();
    QAction* clearAction = addAction(tr("&Clear Recent Projects"), this, &RecentFilesMenu::clearFiles);
    clearAction->setEnabled(!list.isEmpty());
}

} // namespace lepton
