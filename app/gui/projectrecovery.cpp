#include "projectrecovery.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "project/project.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>

#include <cerrno>

#include <signal.h>

namespace lepton {

namespace {

constexpr int kAutosaveIntervalMs = 60 * 1000;

} // namespace

ProjectRecovery::ProjectRecovery(GraphDocument* document, QWidget* window)
    : QObject(window)
    , m_document(document)
    , m_window(window)
{
    m_timer.setInterval(kAutosaveIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ProjectRecovery::saveNow);
    m_timer.start();
}

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

QString ProjectRecovery::ownUntitledPath()
{
    return QDir(untitledFolder()).filePath(QStringLiteral("untitled-%1.lepton").arg(QCoreApplication::applicationPid()));
}

QString ProjectRecovery::currentRecoveryPath() const
{
    return m_document->filePath().isEmpty() ? ownUntitledPath() : recoveryPathFor(m_document->filePath());
}

void ProjectRecovery::saveNow()
{
    if (!m_document->isModified())
        return;
    const QString path = currentRecoveryPath();
    try {
        QDir().mkpath(QFileInfo(path).absolutePath());
        saveProject(m_document->project(), path.toStdString());
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot keep a recovery copy of the unsaved changes: %1").arg(QString::fromStdString(error.what())));
    }
}

void ProjectRecovery::forget()
{
    // After Save As the project has a name, and what was kept untitled goes too.
    QFile::remove(currentRecoveryPath());
    QFile::remove(ownUntitledPath());
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
    if (!m_document->filePath().isEmpty() || m_document->isModified())
        return;
    // The newest file of a workbench no longer running; those of running
    // ones are theirs to keep.
    QFileInfo newest;
    const QFileInfoList files = QDir(untitledFolder()).entryInfoList({QStringLiteral("untitled-*.lepton")}, QDir::Files);
    for (const QFileInfo& file : files) {
        bool isNumber = false;
        const qint64 pid = file.completeBaseName().mid(int(qstrlen("untitled-"))).toLongLong(&isNumber);
        const bool running = isNumber && pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno != ESRCH);
        if (!running && (!newest.exists() || file.lastModified() > newest.lastModified()))
            newest = file;
    }
    if (!newest.exists())
        return;
    offer(newest.filePath(), tr("An untitled project had changes that were not saved when the workbench last "
                                "closed (kept %1). Recover them?")
                                 .arg(QLocale().toString(newest.lastModified(), QLocale::ShortFormat)));
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
        if (m_document->filePath() != projectPath)
            return; // another project was opened meanwhile
        if (box->clickedButton() != recoverButton) {
            QFile::remove(recoveryPath);
            return;
        }
        if (!recover(recoveryPath))
            return;
        // Kept again at once, as this workbench's own copy: it may crash too.
        saveNow();
        if (recoveryPath != currentRecoveryPath())
            QFile::remove(recoveryPath);
    });
    box->open();
}

bool ProjectRecovery::recover(const QString& recoveryPath)
{
    try {
        Project project = loadProject(recoveryPath.toStdString(), LayerRegistry::builtin());
        m_document->recover(std::move(project));
        return true;
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot recover the unsaved changes: %1").arg(QString::fromStdString(error.what())));
        return false;
    }
}

} // namespace lepton
