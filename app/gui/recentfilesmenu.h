#pragma once

#include <QMenu>
#include <QStringList>

namespace lepton {

// "Open Recent": the last few projects, newest first, kept in QSettings.
class RecentFilesMenu : public QMenu {
    Q_OBJECT

public:
    static constexpr int kMaxFiles = 8;

    explicit RecentFilesMenu(const QString& title, QWidget* parent = nullptr);

    QStringList files() const;
    // Moves `path` to the top of the list.
    void addFile(const QString& path);
    void removeFile(const QString& path);
    void clearFiles();

Q_SIGNALS:
    void fileTriggered(const QString& path);

private:
    void store(const QStringList& files);
    void rebuild();
};

} // namespace lepton
