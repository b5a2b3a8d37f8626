#pragma once

#include "train/trainingevent.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QDockWidget;
class QLabel;

namespace lepton {

class BlockActions;
class CanvasActions;
class DataPanel;
class GraphDocument;
class GraphScene;
class GraphView;
class LayerPalette;
class PredictPanel;
class PropertyPanel;
class ProjectFiles;
class ProjectRecovery;
class ProjectRuns;
class RunsPanel;
class TrainingDashboard;
class TrainingActions;
class TrainingSession;
class TrainingSettingsPanel;
class UserBlockLibrary;

// The workbench: the graph canvas in the middle, the layer palette on the
// left, the inspector on the right and the Data panel, the training settings
// and the training dashboard below, as tabs.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    GraphDocument* document() const { return m_document; }
    GraphScene* scene() const { return m_scene; }
    GraphView* view() const { return m_view; }
    CanvasActions* canvasActions() const { return m_canvasActions; }
    BlockActions* blockActions() const { return m_blockActions; }
    UserBlockLibrary* blockLibrary() const { return m_blockLibrary; }
    LayerPalette* palette() const { return m_palette; }
    PropertyPanel* propertyPanel() const { return m_properties; }
    DataPanel* dataPanel() const { return m_dataPanel; }
    TrainingSettingsPanel* trainingSettings() const { return m_settings; }
    TrainingDashboard* dashboard() const { return m_dashboard; }
    RunsPanel* runsPanel() const { return m_runs; }
    PredictPanel* predictPanel() const { return m_predict; }
    TrainingSession* session() const { return m_session; }
    TrainingActions* trainingActions() const { return m_trainingActions; }
    // New, Open, Save and the recovery file.
    ProjectFiles* files() const { return m_files; }

    // Window geometry and dock layout from the last session.
    void restoreLayout();

public Q_SLOTS:
    void showShortcuts();
    void importData();
    // File > Export: the trained model in the formats and from the
    // checkpoint the dialog asks for.
    void exportModel();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    void createDocks();
    void createStatusBar();
    void connectSignals();
    void updateTitle();
    void updateModelStatus();
    // The palette's Blocks: the project's and the library's.
    void updatePaletteBlocks();
    // After opening: data files the project names but the disk lacks are
    // reported now, in the status bar and the Data panel, not at Train.
    void reportMissingData();
    void showError(const QString& title, const QString& message);

    GraphDocument* m_document;
    // Made before the panels, so destroyed before them: its run stops before
    // the Data panel's end waits for an idle-priority preview load.
    TrainingSession* m_session;
    TrainingActions* m_trainingActions;
    GraphScene* m_scene;
    GraphView* m_view;
    CanvasActions* m_canvasActions;
    UserBlockLibrary* m_blockLibrary;
    BlockActions* m_blockActions;
    LayerPalette* m_palette = nullptr;
    PropertyPanel* m_properties = nullptr;
    TrainingDashboard* m_dashboard = nullptr;
    RunsPanel* m_runs = nullptr;
    PredictPanel* m_predict = nullptr;
    ProjectRuns* m_projectRuns = nullptr;
    ProjectFiles* m_files;
    DataPanel* m_dataPanel = nullptr;
    TrainingSettingsPanel* m_settings = nullptr;
    QDockWidget* m_paletteDock = nullptr;
    QDockWidget* m_propertiesDock = nullptr;
    QDockWidget* m_dashboardDock = nullptr;
    QDockWidget* m_dataDock = nullptr;
    QDockWidget* m_settingsDock = nullptr;
    QDockWidget* m_runsDock = nullptr;
    QDockWidget* m_predictDock = nullptr;
    QLabel* m_modelStatus = nullptr;

    QAction* m_importDataAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_undoToolAction = nullptr; // fixed text: toolbar buttons never shift
    QAction* m_redoToolAction = nullptr;
    QAction* m_zoomInAction = nullptr;
    QAction* m_zoomOutAction = nullptr;
    QAction* m_shortcutsAction = nullptr;
    QAction* m_aboutAction = nullptr;
};

} // namespace lepton
