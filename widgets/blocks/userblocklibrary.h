#pragma once

#include "graph/block.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <set>
#include <string>
#include <vector>

namespace lepton {

class LayerRegistry;

// The user's own blocks (core's BlockLibrary) in a folder, by default the
// application's data folder, shared by every project. Broken files are
// skipped and reported once each, never fatal.
class UserBlockLibrary : public QObject {
    Q_OBJECT

public:
    UserBlockLibrary(const LayerRegistry& registry, QString folder, QObject* parent = nullptr);

    // QStandardPaths::AppDataLocation + "/blocks".
    static QString defaultFolder();

    const QString& folder() const { return m_folder; }
    const std::vector<BlockDefinition>& blocks() const { return m_blocks; }
    const BlockDefinition* block(const std::string& name) const;

    // Reads the folder again (nothing is read before the first call).
    void reload();
    // Writes the block, replacing the library's block of that name, and
    // reloads. Returns the file; throws std::exception saying what failed.
    QString save(const BlockDefinition& block);

Q_SIGNALS:
    void changed();
    // Problems not reported before: "<file>: <json.path>: <problem>".
    void problemsFound(const QStringList& problems);

private:
    const LayerRegistry& m_registry;
    QString m_folder;
    std::vector<BlockDefinition> m_blocks;
    std::set<std::string> m_reported;
};

} // namespace lepton
