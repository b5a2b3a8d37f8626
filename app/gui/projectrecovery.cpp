#include "projectrecovery.h"

#include "graphdocument.h"

#include "data/datasetspec.h"
#include "graph/layerregistry.h"
#include "project/project.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QLockFile>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>

namespace lepton {

namespace {

constexpr int kAutosaveIntervalMs = 60 * 1000;

QString lockPathFor(const QString& untitledPath)
{
    return untitledPath + QStringLiteral(".lock");
}

// A lock that only a gone process's death makes stale, never its age: a
// workbench may hold its untitled file for days.
std::unique_ptr<QLockFile> tryLocking(const QString& untitledPath)
{
    auto lock = std::make_unique<QLockFile>(lockPathFor(untitledPath));
    lock->setStaleLockTime(0);
    return lock->tryLock(0) ? std::move(lock) : nullptr;
}

} // namespace

ProjectRecovery::ProjectRecovery(GraphDocument* document, QWidget* window)
    : QObject(window)
    , m_document(document)
    , m_window(window)
    // The time too, so a reused process id never names a file a gone workbench left.
    , m_untitledPath(QDir(untitledFolder())
                         .filePath(QStringLiteral("untitled-%1-%2.lepton")
                                       .arg(QCoreApplication::applicationPid())
                                       .arg(QDateTime::currentMSecsSinceEpoch())))
{
    m_timer.setInterval(kAutosaveIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ProjectRecovery::saveNow);
    m_timer.start();
}

ProjectRecovery::~ProjectRecovery() = default;

QString ProjectRecovery::recoveryPathFor(const QString& projectPath)
{
    const QFileInfo project(projectPath);
    return project.absoluteDir().filePath(QLatin1Char('.') + project.fileName() + QStringLiteral(".recovery"));
}

QString ProjectRecovery::untitledFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("recovery"));
}

QString ProjectRecovery::currentRecoveryPath() const
{
    return m_document->filePath().isEmpty() ? m_untitledPath : recoveryPathFor(m_document->filePath());
}

void ProjectRecovery::saveNow()
{
    if (!m_document->isModified()) {
        if (m_kept) // every edit undone: nothing is left to recover
            forget();
        return;
    }
    const QString path = currentRecoveryPath();
    Project project = m_document->project();
    if (path == m_untitledPath) {
        QDir().mkpath(untitledFolder());
        if (!m_untitledLock)
            m_untitledLock = tryLocking(m_untitledPath);
        // Relative data paths of an untitled project start from the working folder.
        project.dataset = rebaseDataPaths(project.dataset, QDir::currentPath().toStdString(),
                                          untitledFolder().toStdString());
    }
    try {
        saveProject(project, path.toStdString());
        m_kept = true;
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot keep a recovery copy of the unsaved changes: %1").arg(QString::fromStdString(error.what())));
    }
}

void ProjectRecovery::forget()
{
    // After Save As the project has a name, and what was kept untitled goes too.
    QFile::remove(currentRecoveryPath());
    QFile::remove(m_untitledPath);
    m_kept = false;
}

void ProjectRecovery::offerRecovery()
{
    const QString recoveryPath = recoveryPathFor(m_document->filePath());
    const QFileInfo recovery(recoveryPath);
    if (!recovery.exists())
        return;
    // Saved again since (by another copy of the workbench, say): nothing to offer.
    if (recovery.lastModified() < QFileInfo(m_document->filePath()).lastModified()) {
        QFile::remove(recoveryPath);
        return;
    }
    offer(recoveryPath, tr("%1 has changes that were not saved when the workbench last closed (kept %2). Recover them?")
                            .arg(m_document->fileName(), QLocale().toString(recovery.lastModified(), QLocale::ShortFormat)));
}

void ProjectRecovery::offerUntitledRecovery()
{
    if (!m_document->filePath().isEmpty() || m_document->isModified() || m_claim)
        return;
    // The newest file whose workbench is gone; a running one holds its lock,
    // and so does another workbench offering the same file.
    QFileInfoList files = QDir(untitledFolder()).entryInfoList({QStringLiteral("untitled-*.lepton")}, QDir::Files,
                                                               QDir::Time);
    for (const QFileInfo& file : files) {
        if (file.absoluteFilePath() == QFileInfo(m_untitledPath).absoluteFilePath())
            continue;
        m_claim = tryLocking(file.absoluteFilePath());
        if (!m_claim)
            continue;
        offer(file.absoluteFilePath(),
              tr("An untitled project had changes that were not saved when the workbench last closed (kept %1). "
                 "Recover them?")
                  .arg(QLocale().toString(file.lastModified(), QLocale::ShortFormat)));
        return;
    }
}

void ProjectRecovery::offer(const QString& recoveryPath, const QString& question)
{
    auto* box = new QMessageBox(QMessageBox::Question, tr("Recover Unsaved Changes"), question,
                                QMessageBox::NoButton, m_window);
    box->setObjectName(QStringLiteral("recoveryOffer"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* recoverButton = box->addButton(tr("Recover"), QMessageBox::AcceptRole);
    recoverButton->setObjectName(QStringLiteral("recoverButton"));
    box->addButton(tr("Discard"), QMessageBox::DestructiveRole)->setObjectName(QStringLiteral("discardButton"));
    box->setDefaultButton(recoverButton);
    const QString projectPath = m_document->filePath();
    connect(box, &QMessageBox::finished, this, [this, box, recoverButton, recoveryPath, projectPath] {
        const bool wanted = box->clickedButton() == recoverButton;
        // Unless another project was opened meanwhile, or recovering failed
        // (the error says so), the file has served.
        if (m_document->filePath() == projectPath && (!wanted || recover(recoveryPath))) {
            if (wanted)
                saveNow(); // kept again at once, as this workbench's own: it may crash too
            if (recoveryPath != currentRecoveryPath())
                QFile::remove(recoveryPath);
            else if (!wanted)
                forget();
        }
        m_claim.reset();
    });
    box->open();
}

bool ProjectRecovery::recover(const QString& recoveryPath)
{
    try {
        Project project = loadProject(recoveryPath.toStdString(), LayerRegistry::builtin());
        if (m_document->filePath().isEmpty()) // kept untitled: see saveNow()
            project.dataset = rebaseDataPaths(project.dataset, untitledFolder().toStdString(),
                                              QDir::currentPath().toStdString());
        m_document->recover(std::move(project));
        return true;
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot recover the unsaved changes: %1").arg(QString::fromStdString(error.what())));
        return false;
    }
}

} // namespace lepton
