#include "projectfiles.h"

#include "data/dataimportdialog.h"
#include "graphdocument.h"
#include "graphview.h"
#include "projectrecovery.h"
#include "recentfilesmenu.h"
#include "templategallery.h"
#include "themedicon.h"
#include "trainingactions.h"

#include "project/projectfromdata.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <cmath>
#include <memory>
#include <optional>

namespace lepton {

namespace {

const QString kLastDirKey = QStringLiteral("lastDirectory");

} // namespace

ProjectFiles::ProjectFiles(GraphDocument* document, GraphView* view, TrainingActions* training, QWidget* window)
    : QObject(window)
    , m_document(document)
    , m_view(view)
    , m_training(training)
    , m_window(window)
    , m_recovery(new ProjectRecovery(document, window))
    , m_recentMenu(new RecentFilesMenu(tr("Open &Recent"), window))
{
    createActions();
    connect(m_recovery, &ProjectRecovery::problem, this, &ProjectFiles::statusMessage);
    connect(m_recentMenu, &RecentFilesMenu::fileTriggered, this, [this](const QString& path) {
        if (mayReplaceProject())
            openProject(path);
    });
}

void ProjectFiles::createActions()
{
    m_newAction = new QAction(themedIcon("document-new", QStyle::SP_FileIcon), tr("&New"), this);
    m_newAction->setShortcut(QKeySequence::New);
    m_newAction->setStatusTip(tr("Start a new project"));
    connect(m_newAction, &QAction::triggered, this, &ProjectFiles::newProject);

    m_newFromTemplateAction = new QAction(tr("New from &Template..."), this);
    m_newFromTemplateAction->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_newFromTemplateAction->setStatusTip(tr("Start from a network that already trains"));
    connect(m_newFromTemplateAction, &QAction::triggered, this, &ProjectFiles::newFromTemplate);

    m_newFromDataAction = new QAction(tr("New from &Data..."), this);
    m_newFromDataAction->setStatusTip(tr("Start from a data file or folder, with a network that fits it"));
    connect(m_newFromDataAction, &QAction::triggered, this, &ProjectFiles::newFromData);

    m_openAction = new QAction(themedIcon("document-open", QStyle::SP_DialogOpenButton), tr("&Open..."), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &ProjectFiles::open);

    m_saveAction = new QAction(themedIcon("document-save", QStyle::SP_DialogSaveButton), tr("&Save"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &ProjectFiles::save);

    m_saveAsAction = new QAction(themedIcon("document-save-as", QStyle::SP_DialogSaveButton), tr("Save &As..."), this);
    // Spelled out: not every platform theme binds QKeySequence::SaveAs.
    m_saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveAsAction, &QAction::triggered, this, &ProjectFiles::saveAs);

    const std::pair<QAction*, const char*> names[] = {
        {m_newAction, "actionNew"},   {m_newFromTemplateAction, "actionNewFromTemplate"},
        {m_newFromDataAction, "actionNewFromData"},
        {m_openAction, "actionOpen"}, {m_saveAction, "actionSave"},
        {m_saveAsAction, "actionSaveAs"},
    };
    for (const auto& [action, name] : names)
        action->setObjectName(QString::fromLatin1(name));
}

bool ProjectFiles::openProject(const QString& path)
{
    try {
        m_document->open(path);
    } catch (const std::exception& error) {
        if (!QFileInfo::exists(path))
            m_recentMenu->removeFile(path);
        Q_EMIT problem(tr("Cannot open project"), QString::fromStdString(error.what()));
        return false;
    }
    remember(path);
    restoreView();
    Q_EMIT statusMessage(tr("Opened %1").arg(m_document->fileName()));
    Q_EMIT opened();
    m_recovery->offerRecovery();
    return true;
}

bool ProjectFiles::saveProjectAs(const QString& path)
{
    storeView();
    try {
        m_document->saveAs(path);
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot save project"), QString::fromStdString(error.what()));
        return false;
    }
    m_recovery->forget();
    remember(path);
    Q_EMIT statusMessage(tr("Saved %1").arg(m_document->fileName()));
    return true;
}

bool ProjectFiles::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    storeView();
    try {
        m_document->save();
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot save project"), QString::fromStdString(error.what()));
        return false;
    }
    m_recovery->forget();
    Q_EMIT statusMessage(tr("Saved %1").arg(m_document->fileName()));
    return true;
}

bool ProjectFiles::saveAs()
{
    const QString start = m_document->filePath().isEmpty()
        ? QDir(QSettings().value(kLastDirKey, QDir::homePath()).toString()).filePath(m_document->fileName())
        : m_document->filePath();
    QString path = QFileDialog::getSaveFileName(m_window, tr("Save Project As"), start,
                                                tr("Lepton projects (*.lepton)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QStringLiteral(".lepton")))
        path += QStringLiteral(".lepton");
    return saveProjectAs(path);
}

void ProjectFiles::newProject()
{
    if (!mayReplaceProject())
        return;
    m_document->newProject();
    m_view->fitToContents();
}

void ProjectFiles::newFromTemplate()
{
    if (!mayReplaceProject())
        return;
    TemplateGallery gallery(m_window);
    if (gallery.exec() != QDialog::Accepted || gallery.chosenTemplate().isEmpty())
        return;
    try {
        m_document->newFromTemplate(gallery.chosenTemplate());
    } catch (const std::exception& error) {
        Q_EMIT problem(tr("Cannot create the project"), QString::fromStdString(error.what()));
        return;
    }
    m_view->fitToContents();
}

void ProjectFiles::newFromData()
{
    if (!mayReplaceProject())
        return;
    DataImportDialog dialog(DatasetSpec(), QString(), m_window);
    dialog.setWindowTitle(tr("New Project from Data"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    // Read again, on a pool thread, rather than trusting the preview, which
    // may show settings from before the last edit.
    struct Outcome {
        std::optional<Project> project;
        QString error; // empty also when cancelled
    };
    auto stop = std::make_shared<std::atomic<bool>>(false);
    QFutureWatcher<Outcome> watcher;
    QProgressDialog progress(tr("Reading the data\u2026"), tr("Cancel"), 0, 0, m_window);
    progress.setWindowModality(Qt::WindowModal);
    connect(&watcher, &QFutureWatcher<Outcome>::finished, &progress, &QProgressDialog::reset);
    connect(&progress, &QProgressDialog::canceled, this, [stop] { stop->store(true); });
    watcher.setFuture(QtConcurrent::run([dataset = dialog.dataset(), stop] {
        Outcome outcome;
        try {
            outcome.project = projectFromData(dataset, std::string(), nullptr, stop.get()).project;
        } catch (const DataCancelled&) {
        } catch (const std::exception& error) {
            outcome.error = QString::fromStdString(error.what());
        }
        return outcome;
    }));
    // A finish during exec() arrives as a queued signal and closes the dialog.
    if (!watcher.isFinished())
        progress.exec();
    watcher.waitForFinished();
    Outcome outcome = watcher.result();
    if (!outcome.error.isEmpty())
        Q_EMIT problem(tr("Cannot create the project"), outcome.error);
    if (!outcome.project)
        return;
    m_document->newProject(std::move(*outcome.project));
    m_view->fitToContents();
}

void ProjectFiles::open()
{
    if (!mayReplaceProject())
        return;
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open Project"), QSettings().value(kLastDirKey).toString(),
        tr("Lepton projects (*.lepton);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

bool ProjectFiles::maybeSave()
{
    if (!m_document->isModified()) {
        m_recovery->saveNow(); // removes a recovery file of edits since undone
        return true;
    }
    const auto answer = QMessageBox::question(
        m_window, tr("Unsaved Changes"),
        tr("%1 has unsaved changes. Save them first?").arg(m_document->fileName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    if (answer != QMessageBox::Discard)
        return false;
    m_recovery->forget();
    return true;
}

bool ProjectFiles::mayReplaceProject()
{
    return maybeSave() && m_training->stopRunIfConfirmed(tr("close the project"));
}

void ProjectFiles::remember(const QString& path)
{
    m_recentMenu->addFile(path);
    QSettings().setValue(kLastDirKey, QFileInfo(path).absolutePath());
}

void ProjectFiles::storeView()
{
    const QPointF centre = m_view->centre();
    m_document->setUiValue("view", {{"zoom", std::round(m_view->zoom() * 1000.0) / 1000.0},
                                    {"center", {{"x", std::round(centre.x())}, {"y", std::round(centre.y())}}}});
}

void ProjectFiles::restoreView()
{
    // Whatever a hand-edited file holds here, a bad value only means a fit.
    const nlohmann::json& ui = m_document->project().ui;
    const nlohmann::json view = ui.contains("view") ? ui["view"] : nlohmann::json();
    auto number = [](const nlohmann::json& json, const char* key) {
        const bool ok = json.is_object() && json.contains(key) && json[key].is_number()
            && std::isfinite(json[key].get<double>());
        return ok ? std::optional<double>(json[key].get<double>()) : std::nullopt;
    };
    const auto zoom = number(view, "zoom");
    const nlohmann::json centre = view.is_object() && view.contains("center") ? view["center"] : nlohmann::json();
    const auto x = number(centre, "x");
    const auto y = number(centre, "y");
    if (zoom && *zoom > 0 && x && y)
        m_view->setViewState(*zoom, QPointF(*x, *y));
    else
        m_view->fitToContents();
}

} // namespace lepton
