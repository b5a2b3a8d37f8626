#include "mainwindow.h"

#include "blocks/blockactions.h"
#include "blocks/userblocklibrary.h"
#include "canvasactions.h"
#include "data/dataimportdialog.h"
#include "data/datapanel.h"
#include "exportdialog.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "graphview.h"
#include "layerpalette.h"
#include "predictpanel.h"
#include "propertypanel.h"
#include "recentfilesmenu.h"
#include "shortcutsdialog.h"
#include "templategallery.h"
#include "projectrecovery.h"
#include "projectruns.h"
#include "runspanel.h"
#include "trainingdashboard.h"
#include "trainingsession.h"
#include "themedicon.h"
#include "trainingactions.h"
#include "trainingsettingspanel.h"

#include "graph/layerregistry.h"
#include "model/modelsummary.h"
#include "project/projectfromdata.h"
#include "util/displaytext.h"

#include <QApplication>
#include <QFutureWatcher>
#include <QProgressDialog>
#include <QtConcurrent/QtConcurrentRun>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>

#include <cmath>
#include <optional>

namespace lepton {

namespace {

constexpr int kStatusTimeoutMs = 8000;
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kLastDirKey = QStringLiteral("lastDirectory");
const QString kSnapKey = QStringLiteral("canvas/snapToGrid");

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_document(new GraphDocument(this))
    , m_session(new TrainingSession(this))
    , m_trainingActions(new TrainingActions(m_document, m_session, this))
    , m_scene(new GraphScene(m_document, this))
    , m_view(new GraphView(m_scene, this))
    , m_canvasActions(new CanvasActions(m_view, this))
    , m_blockLibrary(new UserBlockLibrary(m_document->registry(), UserBlockLibrary::defaultFolder(), this))
    , m_blockActions(new BlockActions(m_view, m_blockLibrary, this))
    , m_recovery(new ProjectRecovery(m_document, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setCentralWidget(m_view);
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    createActions();
    createMenus();
    createToolBar();
    createDocks();
    createStatusBar();
    connectSignals();
    resize(1400, 900);
    updateTitle();
    updateModelStatus();
    m_blockLibrary->reload(); // broken files show in the status bar, once
    m_view->fitToContents();
}

MainWindow::~MainWindow()
{
    // The scene outlives the document among our children; its last
    // selection changes must not reach the panels and actions that read it.
    m_scene->disconnect();
    // Panels torn down with the window may still commit an edit (a name field
    // losing focus); its signals must not reach this half-destroyed window.
    m_document->disconnect(this);
    m_document->undoStack()->disconnect(this);
}

bool MainWindow::openProject(const QString& path)
{
    try {
        m_document->open(path);
    } catch (const std::exception& error) {
        if (!QFileInfo::exists(path))
            m_recentMenu->removeFile(path);
        showError(tr("Cannot open project"), QString::fromStdString(error.what()));
        return false;
    }
    m_recentMenu->addFile(path);
    QSettings().setValue(kLastDirKey, QFileInfo(path).absolutePath());
    restoreView();
    statusBar()->showMessage(tr("Opened %1").arg(m_document->fileName()), kStatusTimeoutMs);
    reportMissingData();
    m_recovery->offerRecovery();
    return true;
}

bool MainWindow::saveProjectAs(const QString& path)
{
    storeView();
    try {
        m_document->saveAs(path);
    } catch (const std::exception& error) {
        showError(tr("Cannot save project"), QString::fromStdString(error.what()));
        return false;
    }
    m_recovery->forget();
    m_recentMenu->addFile(path);
    QSettings().setValue(kLastDirKey, QFileInfo(path).absolutePath());
    statusBar()->showMessage(tr("Saved %1").arg(m_document->fileName()), kStatusTimeoutMs);
    return true;
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::newProject()
{
    if (!mayReplaceProject())
        return;
    m_document->newProject();
    m_view->fitToContents();
}

void MainWindow::newFromTemplate()
{
    if (!mayReplaceProject())
        return;
    TemplateGallery gallery(this);
    if (gallery.exec() != QDialog::Accepted || gallery.chosenTemplate().isEmpty())
        return;
    try {
        m_document->newFromTemplate(gallery.chosenTemplate());
    } catch (const std::exception& error) {
        showError(tr("Cannot create the project"), QString::fromStdString(error.what()));
        return;
    }
    m_view->fitToContents();
}

void MainWindow::newFromData()
{
    if (!mayReplaceProject())
        return;
    DataImportDialog dialog(DatasetSpec(), QString(), this);
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
    QProgressDialog progress(tr("Reading the data\u2026"), tr("Cancel"), 0, 0, this);
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
        showError(tr("Cannot create the project"), outcome.error);
    if (!outcome.project)
        return;
    m_document->newProject(std::move(*outcome.project));
    m_view->fitToContents();
}

void MainWindow::open()
{
    if (!mayReplaceProject())
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Project"), QSettings().value(kLastDirKey).toString(),
        tr("Lepton projects (*.lepton);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

bool MainWindow::save()
{
    if (m_document->filePath().isEmpty())
        return saveAs();
    storeView();
    try {
        m_document->save();
    } catch (const std::exception& error) {
        showError(tr("Cannot save project"), QString::fromStdString(error.what()));
        return false;
    }
    m_recovery->forget();
    statusBar()->showMessage(tr("Saved %1").arg(m_document->fileName()), kStatusTimeoutMs);
    return true;
}

bool MainWindow::saveAs()
{
    const QString start = m_document->filePath().isEmpty()
        ? QDir(QSettings().value(kLastDirKey, QDir::homePath()).toString()).filePath(m_document->fileName())
        : m_document->filePath();
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project As"), start,
                                                tr("Lepton projects (*.lepton)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QStringLiteral(".lepton")))
        path += QStringLiteral(".lepton");
    return saveProjectAs(path);
}

void MainWindow::showShortcuts()
{
    auto* dialog = new ShortcutsDialog(menuBar(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::importData()
{
    m_dataDock->show();
    m_dataDock->raise();
    m_dataPanel->importData();
}

void MainWindow::exportModel()
{
    // The checkpoints live beside the saved project (PROJECT.d).
    if (m_document->filePath().isEmpty()) {
        QMessageBox::information(this, tr("Export Model"),
                                 tr("Save the project and train it first: exports are made from the checkpoints "
                                    "its runs keep beside it."));
        return;
    }
    auto* dialog = new ExportDialog(m_document->filePath(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave() || !m_trainingActions->stopRunIfConfirmed(tr("quit"))) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    event->accept();
}

void MainWindow::createActions()
{
    m_newAction = new QAction(themedIcon("document-new", QStyle::SP_FileIcon), tr("&New"), this);
    m_newAction->setShortcut(QKeySequence::New);
    m_newAction->setStatusTip(tr("Start a new project"));
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newProject);

    m_newFromTemplateAction = new QAction(tr("New from &Template..."), this);
    m_newFromTemplateAction->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    m_newFromTemplateAction->setStatusTip(tr("Start from a network that already trains"));
    connect(m_newFromTemplateAction, &QAction::triggered, this, &MainWindow::newFromTemplate);

    m_newFromDataAction = new QAction(tr("New from &Data..."), this);
    m_newFromDataAction->setStatusTip(tr("Start from a data file or folder, with a network that fits it"));
    connect(m_newFromDataAction, &QAction::triggered, this, &MainWindow::newFromData);

    m_openAction = new QAction(themedIcon("document-open", QStyle::SP_DialogOpenButton), tr("&Open..."), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::open);

    m_saveAction = new QAction(themedIcon("document-save", QStyle::SP_DialogSaveButton), tr("&Save"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    connect(m_saveAction, &QAction::triggered, this, &MainWindow::save);

    m_saveAsAction = new QAction(themedIcon("document-save-as", QStyle::SP_DialogSaveButton), tr("Save &As..."), this);
    // Spelled out: not every platform theme binds QKeySequence::SaveAs.
    m_saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(m_saveAsAction, &QAction::triggered, this, &MainWindow::saveAs);

    m_importDataAction = new QAction(tr("&Import Data..."), this);
    m_importDataAction->setStatusTip(tr("Read a data file or folder into the project"));
    connect(m_importDataAction, &QAction::triggered, this, &MainWindow::importData);

    m_quitAction = new QAction(themedIcon("application-exit", QStyle::SP_DialogCloseButton), tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    // The menu entries name the step ("Undo Delete Linear 'fc2'"); the
    // toolbar's keep one text, so its buttons stay put, and name the step
    // in their tooltips.
    QUndoStack* undoStack = m_document->undoStack();
    m_undoAction = undoStack->createUndoAction(this, tr("&Undo"));
    m_undoAction->setIcon(themedIcon("edit-undo", QStyle::SP_ArrowBack));
    m_undoAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    m_redoAction = undoStack->createRedoAction(this, tr("&Redo"));
    m_redoAction->setIcon(themedIcon("edit-redo", QStyle::SP_ArrowForward));
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_undoToolAction = new QAction(m_undoAction->icon(), tr("Undo"), this);
    connect(m_undoToolAction, &QAction::triggered, undoStack, &QUndoStack::undo);
    m_redoToolAction = new QAction(m_redoAction->icon(), tr("Redo"), this);
    connect(m_redoToolAction, &QAction::triggered, undoStack, &QUndoStack::redo);
    auto followStack = [undoStack](QAction* tool, QAction* menuAction) {
        auto update = [tool, menuAction] {
            tool->setEnabled(menuAction->isEnabled());
            tool->setToolTip(QStringLiteral("%1 (%2)").arg(menuAction->text().remove(QLatin1Char('&')),
                                                           menuAction->shortcut().toString(QKeySequence::NativeText)));
        };
        QObject::connect(menuAction, &QAction::changed, tool, update);
        update();
    };
    followStack(m_undoToolAction, m_undoAction);
    followStack(m_redoToolAction, m_redoAction);

    CanvasActions* canvas = m_canvasActions;
    canvas->remove()->setIcon(themedIcon("edit-delete", QStyle::SP_TrashIcon));
    canvas->remove()->setStatusTip(tr("Delete the selected layers and connections"));
    canvas->cut()->setIcon(QIcon::fromTheme(QStringLiteral("edit-cut")));
    canvas->copy()->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy")));
    canvas->paste()->setIcon(QIcon::fromTheme(QStringLiteral("edit-paste")));
    canvas->snapToGrid()->setChecked(QSettings().value(kSnapKey, false).toBool());
    connect(canvas->snapToGrid(), &QAction::toggled, this,
            [](bool snap) { QSettings().setValue(kSnapKey, snap); });

    m_zoomInAction = new QAction(themedIcon("zoom-in", QStyle::SP_ArrowUp), tr("Zoom &In"), this);
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);
    connect(m_zoomInAction, &QAction::triggered, m_view, &GraphView::zoomIn);
    m_zoomOutAction = new QAction(themedIcon("zoom-out", QStyle::SP_ArrowDown), tr("Zoom &Out"), this);
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOutAction, &QAction::triggered, m_view, &GraphView::zoomOut);

    m_shortcutsAction = new QAction(tr("&Keyboard Shortcuts"), this);
    m_shortcutsAction->setShortcut(QKeySequence(Qt::Key_F1));
    connect(m_shortcutsAction, &QAction::triggered, this, &MainWindow::showShortcuts);

    m_aboutAction = new QAction(tr("&About Lepton Workbench"), this);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Lepton Workbench"),
                           tr("<b>Lepton Workbench %1</b><p>Design neural networks as graphs, train "
                              "them with LibTorch and watch them learn.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    m_exportAction = new QAction(tr("&Export Model..."), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_exportAction->setStatusTip(tr("Write the trained model as TorchScript, ONNX, PyTorch code or weights"));
    connect(m_exportAction, &QAction::triggered, this, &MainWindow::exportModel);

    const std::pair<QAction*, const char*> names[] = {
        {m_newAction, "actionNew"},       {m_newFromTemplateAction, "actionNewFromTemplate"},
        {m_newFromDataAction, "actionNewFromData"},
        {m_openAction, "actionOpen"},
        {m_saveAction, "actionSave"},     {m_saveAsAction, "actionSaveAs"},
        {m_importDataAction, "actionImportData"}, {m_exportAction, "actionExport"},
        {m_quitAction, "actionQuit"},     {m_undoAction, "actionUndo"},
        {m_redoAction, "actionRedo"},     {m_undoToolAction, "actionUndoTool"},
        {m_redoToolAction, "actionRedoTool"}, {m_zoomInAction, "actionZoomIn"},
        {m_zoomOutAction, "actionZoomOut"}, {m_shortcutsAction, "actionShortcuts"},
    };
    for (const auto& [action, name] : names)
        action->setObjectName(QString::fromLatin1(name));
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAction);
    file->addAction(m_newFromTemplateAction);
    file->addAction(m_newFromDataAction);
    file->addAction(m_openAction);
    m_recentMenu = new RecentFilesMenu(tr("Open &Recent"), file);
    file->addMenu(m_recentMenu);
    file->addSeparator();
    file->addAction(m_saveAction);
    file->addAction(m_saveAsAction);
    file->addSeparator();
    file->addAction(m_importDataAction);
    file->addAction(m_exportAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);
    edit->addSeparator();
    CanvasActions* canvas = m_canvasActions;
    for (QAction* action : {canvas->cut(), canvas->copy(), canvas->paste(), canvas->duplicate()})
        edit->addAction(action);
    edit->addSeparator();
    for (QAction* action : {canvas->rename(), canvas->remove(), canvas->removeAndReconnect(), canvas->selectAll()})
        edit->addAction(action);
    edit->addSeparator();
    edit->addAction(canvas->autoLayout());
    edit->addSeparator();
    edit->addActions(m_blockActions->actions());
    canvas->addNodeMenuActions(m_blockActions->actions());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(m_zoomInAction);
    view->addAction(m_zoomOutAction);
    view->addAction(canvas->fitToView());
    view->addAction(canvas->snapToGrid());
    view->addSeparator();

    QMenu* trainMenu = menuBar()->addMenu(tr("&Train"));
    trainMenu->setObjectName(QStringLiteral("trainMenu"));
    trainMenu->addAction(m_trainingActions->train());
    trainMenu->addAction(m_trainingActions->pause());
    trainMenu->addAction(m_trainingActions->resume());
    trainMenu->addAction(m_trainingActions->fromWeights());
    trainMenu->addAction(m_trainingActions->stop());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_shortcutsAction);
    help->addAction(m_aboutAction);
}

void MainWindow::createToolBar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setIconSize(QSize(18, 18));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_newAction);
    bar->addAction(m_openAction);
    bar->addAction(m_saveAction);
    bar->addSeparator();
    bar->addAction(m_undoToolAction);
    bar->addAction(m_redoToolAction);
    bar->addAction(m_canvasActions->remove());
    bar->addSeparator();
    bar->addAction(m_canvasActions->fitToView());
    bar->addSeparator();
    bar->addAction(m_trainingActions->train());
    bar->addAction(m_trainingActions->pause());
    bar->addAction(m_trainingActions->stop());
}

void MainWindow::createDocks()
{
    m_palette = new LayerPalette(m_document->registry(), this);
    m_paletteDock = new QDockWidget(tr("Layers"), this);
    m_paletteDock->setObjectName(QStringLiteral("paletteDock"));
    m_paletteDock->setWidget(m_palette);
    addDockWidget(Qt::LeftDockWidgetArea, m_paletteDock);

    m_properties = new PropertyPanel(m_document, this);
    m_propertiesDock = new QDockWidget(tr("Properties"), this);
    m_propertiesDock->setObjectName(QStringLiteral("propertiesDock"));
    m_propertiesDock->setWidget(m_properties);
    addDockWidget(Qt::RightDockWidgetArea, m_propertiesDock);

    m_dashboard = new TrainingDashboard(m_session, this);
    m_dashboardDock = new QDockWidget(tr("Training"), this);
    m_dashboardDock->setObjectName(QStringLiteral("dashboardDock"));
    m_dashboardDock->setWidget(m_dashboard);
    addDockWidget(Qt::BottomDockWidgetArea, m_dashboardDock);

    // The data shares the space below the canvas with the dashboard; Train
    // brings the dashboard forward.
    m_dataPanel = new DataPanel(m_document, this);
    m_dataDock = new QDockWidget(tr("Data"), this);
    m_dataDock->setObjectName(QStringLiteral("dataDock"));
    m_dataDock->setWidget(m_dataPanel);
    tabifyDockWidget(m_dashboardDock, m_dataDock);
    m_settings = new TrainingSettingsPanel(m_document, this);
    m_settingsDock = new QDockWidget(tr("Training Settings"), this);
    m_settingsDock->setObjectName(QStringLiteral("settingsDock"));
    m_settingsDock->setWidget(m_settings);
    tabifyDockWidget(m_dataDock, m_settingsDock);
    m_runs = new RunsPanel(this);
    m_runsDock = new QDockWidget(tr("Runs"), this);
    m_runsDock->setObjectName(QStringLiteral("runsDock"));
    m_runsDock->setWidget(m_runs);
    m_projectRuns = new ProjectRuns(m_document, m_session, m_dashboard, m_runs, this);
    QMenu* train = menuBar()->findChild<QMenu*>(QStringLiteral("trainMenu"));
    train->addSeparator();
    train->addAction(m_projectRuns->sweep());
    tabifyDockWidget(m_settingsDock, m_runsDock);
    m_predict = new PredictPanel(this);
    m_predictDock = new QDockWidget(tr("Predict"), this);
    m_predictDock->setObjectName(QStringLiteral("predictDock"));
    m_predictDock->setWidget(m_predict);
    tabifyDockWidget(m_runsDock, m_predictDock);
    m_dataDock->raise();

    // The canvas keeps the full height; the dashboard sits under it only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    resizeDocks({m_paletteDock, m_propertiesDock}, {180, 270}, Qt::Horizontal);
    resizeDocks({m_dashboardDock}, {320}, Qt::Vertical);

    QMenu* view = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"));
    for (QDockWidget* dock : {m_paletteDock, m_propertiesDock, m_dashboardDock, m_dataDock, m_runsDock, m_predictDock})
        view->addAction(dock->toggleViewAction());
}

void MainWindow::createStatusBar()
{
    m_modelStatus = new QLabel(this);
    m_modelStatus->setObjectName(QStringLiteral("modelStatus"));
    statusBar()->addPermanentWidget(m_modelStatus);
    statusBar()->showMessage(tr("Ready"), kStatusTimeoutMs);
}

void MainWindow::connectSignals()
{
    QUndoStack* undoStack = m_document->undoStack();
    connect(undoStack, &QUndoStack::cleanChanged, this, [this](bool clean) { setWindowModified(!clean); });
    connect(m_document, &GraphDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(m_document, &GraphDocument::filePathChanged, this,
            [this] { m_predict->setProjectPath(m_document->filePath()); });
    connect(m_document, &GraphDocument::shapesChanged, this, &MainWindow::updateModelStatus);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, [this] {
        const std::vector<NodeId> nodes = m_scene->selectedNodeIds();
        m_properties->setNode(nodes.size() == 1 ? nodes.front() : 0);
    });
    const auto showStatus = [this](const QString& message) { statusBar()->showMessage(message, kStatusTimeoutMs); };
    connect(m_scene, &GraphScene::statusMessage, this, showStatus);
    connect(m_view, &GraphView::statusMessage, this, showStatus);
    connect(m_blockActions, &BlockActions::statusMessage, this, showStatus);
    connect(m_palette, &LayerPalette::layerActivated, m_view, &GraphView::addLayerBesideSelection);
    connect(m_palette, &LayerPalette::blockActivated, m_view, &GraphView::insertBlockBesideSelection);
    connect(m_document, &GraphDocument::projectReplaced, this, &MainWindow::updatePaletteBlocks);
    connect(m_projectRuns, &ProjectRuns::dashboardWanted, m_dashboardDock, &QDockWidget::show);
    connect(m_projectRuns, &ProjectRuns::problem, this, &MainWindow::showError);
    connect(m_document, &GraphDocument::blocksChanged, this, &MainWindow::updatePaletteBlocks);
    connect(m_blockLibrary, &UserBlockLibrary::changed, this, &MainWindow::updatePaletteBlocks);
    connect(m_blockLibrary, &UserBlockLibrary::problemsFound, this, [this](const QStringList& problems) {
        statusBar()->showMessage(tr("Block library: skipped %1 broken file(s): %2")
                                     .arg(problems.size())
                                     .arg(problems.join(QStringLiteral("; "))),
                                 kStatusTimeoutMs);
    });
    connect(m_canvasActions, &CanvasActions::renameRequested, this, [this](NodeId id) {
        m_scene->selectOnly(id);
        m_propertiesDock->show();
        m_propertiesDock->raise();
        m_properties->editName();
    });
    connect(m_recentMenu, &RecentFilesMenu::fileTriggered, this, [this](const QString& path) {
        if (mayReplaceProject())
            openProject(path);
    });
    connect(m_trainingActions, &TrainingActions::statusMessage, this,
            [this](const QString& message, int timeoutMs) { statusBar()->showMessage(message, timeoutMs); });
    connect(m_recovery, &ProjectRecovery::problem, this,
            [this](const QString& message) { statusBar()->showMessage(message, kStatusTimeoutMs); });
    connect(m_trainingActions, &TrainingActions::runRequested, this, [this](const QString& error) {
        m_recovery->saveNow(); // a run may take the machine down with it
        if (!error.isEmpty())
            m_dashboard->showError(error);
        m_dashboardDock->show();
        m_dashboardDock->raise();
    });
}

bool MainWindow::mayReplaceProject()
{
    return maybeSave() && m_trainingActions->stopRunIfConfirmed(tr("close the project"));
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Unsaved Changes"),
        tr("%1 has unsaved changes. Save them first?").arg(m_document->fileName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    if (answer != QMessageBox::Discard)
        return false;
    m_recovery->forget();
    return true;
}

void MainWindow::storeView()
{
    const QPointF centre = m_view->centre();
    m_document->setUiValue("view", {{"zoom", std::round(m_view->zoom() * 1000.0) / 1000.0},
                                    {"center", {{"x", std::round(centre.x())}, {"y", std::round(centre.y())}}}});
}

void MainWindow::restoreView()
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

void MainWindow::updateTitle()
{
    setWindowTitle(tr("%1[*] - Lepton Workbench").arg(QString::fromStdString(displayText(m_document->fileName().toStdString()))));
    setWindowModified(m_document->isModified());
}

void MainWindow::updateModelStatus()
{
    const ShapeReport& shapes = m_document->shapes();
    if (!shapes.ok()) {
        m_modelStatus->setText(shapes.errors.size() == 1
                                   ? tr("1 shape problem")
                                   : tr("%1 shape problems").arg(shapes.errors.size()));
        m_modelStatus->setStyleSheet(QStringLiteral("color: #d93025;"));
        m_modelStatus->setToolTip(QString::fromStdString(shapes.errors.front()));
        return;
    }
    const ModelSummary* summary = m_document->modelSummary();
    if (!summary) {
        // Shapes check out, but the graph is not a model yet (no Output...).
        m_modelStatus->setText(tr("Not a model yet"));
        m_modelStatus->setStyleSheet(QStringLiteral("color: #d93025;"));
        m_modelStatus->setToolTip(QString::fromStdString(m_document->modelProblem()));
        return;
    }
    m_modelStatus->setStyleSheet(QString());
    m_modelStatus->setToolTip(QString());
    m_modelStatus->setText(
        tr("%1 trainable parameters").arg(QLocale().toString(qlonglong(summary->trainableParameters))));
}

void MainWindow::updatePaletteBlocks()
{
    m_palette->setBlocks(m_document->project().blocks, m_blockLibrary->blocks());
}

void MainWindow::reportMissingData()
{
    const QStringList& missing = m_dataPanel->missingFiles();
    if (missing.isEmpty())
        return;
    statusBar()->showMessage(tr("The project's data files cannot be read: %1").arg(missing.join(QStringLiteral("; "))),
                             3 * kStatusTimeoutMs);
    m_dataDock->show();
    m_dataDock->raise();
}

void MainWindow::showError(const QString& title, const QString& message)
{
    // Window-modal but not blocking: the event loop (and training) go on.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace lepton
