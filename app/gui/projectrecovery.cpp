#include "projectrecovery.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "project/project.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

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

void ProjectRecovery::saveNow()
{
    if (!m_document->isModified() || m_document->filePath().isEmpty())
        return;
    try {
        saveProject(m_document->project(), recoveryPathFor(m_document->filePath()).toStdString());
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot keep a recovery copy of the unsaved changes: %1").arg(QString::fromStdString(error.what())));
    }
}

void ProjectRecovery::forget()
{
    if (!m_document->filePath().isEmpty())
        QFile::remove(recoveryPathFor(m_document->filePath()));
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
    auto* box = new QMessageBox(QMessageBox::Question, tr("Recover Unsaved Changes"),
                                tr("%1 has changes that were not saved when the workbench last closed "
                                   "(kept %2). Recover them?")
                                    .arg(m_document->fileName(),
                                         QLocale().toString(recovery.lastModified(), QLocale::ShortFormat)),
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
        if (box->clickedButton() == recoverButton)
            recover(recoveryPath);
        else
            QFile::remove(recoveryPath);
    });
    box->open();
}

void ProjectRecovery::recover(const QString& recoveryPath)
{
    try {
        Project project = loadProject(recoveryPath.toStdString(), LayerRegistry::builtin());
        m_document->recover(std::move(project));
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot recover the unsaved changes: %1").arg(QString::fromStdString(error.what())));
    }
}

} // namespace lepton
