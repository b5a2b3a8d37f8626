#include "blocks/userblocklibrary.h"

#include "project/blocklibrary.h"

#include <QStandardPaths>

#include <algorithm>

namespace lepton {

UserBlockLibrary::UserBlockLibrary(const LayerRegistry& registry, QString folder, QObject* parent)
    : QObject(parent)
    , m_registry(registry)
    , m_folder(std::move(folder))
{
}

QString UserBlockLibrary::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/blocks");
}

const BlockDefinition* UserBlockLibrary::block(const std::string& name) const
{
    auto it = std::find_if(m_blocks.begin(), m_blocks.end(),
                           [&name](const BlockDefinition& b) { return b.name == name; });
    return it == m_blocks.end() ? nullptr : &*it;
}

void UserBlockLibrary::reload()
{
    BlockLibrary library = loadBlockLibrary(m_folder.toStdString(), m_registry);
    m_blocks = std::move(library.blocks);
    QStringList fresh;
    for (const std::string& problem : library.problems) {
        if (m_reported.insert(problem).second)
            fresh << QString::fromStdString(problem);
    }
    Q_EMIT changed();
    if (!fresh.isEmpty())
        Q_EMIT problemsFound(fresh);
}

QString UserBlockLibrary::save(const BlockDefinition& block)
{
    const std::string file = saveBlockToLibrary(block, m_folder.toStdString());
    reload();
    return QString::fromStdString(file);
}

} // namespace lepton
