#include "mainwindow.h"

#include "blocks/blockactions.h"
#include "blocks/userblocklibrary.h"
#include "canvasactions.h"
#include "data/datapanel.h"
#include "data/datapreviewloader.h"
#include "exportdialog.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "graphview.h"
#include "layerpalette.h"
#include "predictpanel.h"
#include "projectfiles.h"
#include "propertypanel.h"
#include "shortcutsdialog.h"
#include "projectrecovery.h"
#include "projectruns.h"
#include "recentfilesmenu.h"
#include "runspanel.h"
#include "trainingdashboard.h"
#include "trainingsession.h"
#include "themedicon.h"
#include "trainingactions.h"
#include "trainingsettingspanel.h"

#include "graph/layerregistry.h"
#include "model/modelsummary.h"
#include "util/displaytext.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QUndoStack>


namespace lepton {

namespace {

constexpr int kStatusTimeoutMs = 8000;
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
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
    , m_files(new ProjectFiles(m_document, m_view, m_trainingActions, this))
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

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
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
    if (!m_files->maybeSave() || !m_trainingActions->stopRunIfConfirmed(tr("quit"))) {
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
    file->addAction(m_files->newAction());
    file->addAction(m_files->newFromTemplateAction());
    file->addAction(m_files->newFromDataAction());
    file->addAction(m_files->openAction());
    file->addMenu(m_files->recentMenu());
    file->addSeparator();
    file->addAction(m_files->saveAction());
    file->addAction(m_files->saveAsAction());
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
    bar->addAction(m_files->newAction());
    bar->addAction(m_files->openAction());
    bar->addAction(m_files->saveAction());
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
    DataPreviewLoader* preview = m_dataPanel->loader();
    connect(m_session, &TrainingSession::started, preview, [preview] { preview->setBackground(true); });
    connect(m_session, &TrainingSession::finished, preview, [preview] { preview->setBackground(false); });
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
    connect(m_files, &ProjectFiles::statusMessage, this, showStatus);
    connect(m_files, &ProjectFiles::problem, this, &MainWindow::showError);
    connect(m_files, &ProjectFiles::opened, this, &MainWindow::reportMissingData);
    connect(m_trainingActions, &TrainingActions::statusMessage, this,
            [this](const QString& message, int timeoutMs) { statusBar()->showMessage(message, timeoutMs); });
    connect(m_trainingActions, &TrainingActions::runRequested, this, [this](const QString& error) {
        m_files->recovery()->saveNow(); // a run may take the machine down with it
        if (!error.isEmpty())
            m_dashboard->showError(error);
        m_dashboardDock->show();
        m_dashboardDock->raise();
    });
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
