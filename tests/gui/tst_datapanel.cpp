// The Data panel offscreen: dataset edits as undo steps, refused values,
// the preview loaded off the GUI thread (table, image grid, histogram), the
// import dialog, missing data files on open and quality fixes.
#include "commands/setparamcommand.h"
#include "common/guitestutil.h"
#include "common/imagetestutil.h"
#include "data/augmentationpreview.h"
#include "data/classhistogram.h"
#include "data/columnstatsmodel.h"
#include "data/dataimportdialog.h"
#include "data/datapanel.h"
#include "data/datapreview.h"
#include "data/datasetform.h"
#include "data/qualityreport.h"
#include "data/sampleimagemodel.h"
#include "data/sampletablemodel.h"
#include "parameditor.h"
#include "project/projectfromdata.h"
#include "trainingsession.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QStatusBar>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace lepton;
using namespace lepton::testing;

namespace {

constexpr int kLoadTimeoutMs = 20000;

QByteArray bigEndian(quint32 value)
{
    const char bytes[] = {char(value >> 24), char(value >> 16), char(value >> 8), char(value)};
    return QByteArray(bytes, 4);
}

// An IDX pair of `count` 4x4 images whose pixels are sample * 16 + pixel,
// labelled sample % 3, named the MNIST way so detection finds the labels.
void writeIdx(const QString& dir, int count)
{
    QByteArray images("\0\0\x08\x03", 4);
    images += bigEndian(count) + bigEndian(4) + bigEndian(4);
    QByteArray labels("\0\0\x08\x01", 4);
    labels += bigEndian(count);
    for (int sample = 0; sample < count; ++sample) {
        for (int pixel = 0; pixel < 16; ++pixel)
            images += char(sample * 16 + pixel);
        labels += char(sample % 3);
    }
    for (const auto& [name, bytes] : {std::pair{"train-images-idx3-ubyte", images},
                                      std::pair{"train-labels-idx1-ubyte", labels}}) {
        QFile file(dir + QLatin1Char('/') + QLatin1String(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
}

DatasetSpec idxDataset(const QString& dir)
{
    DatasetSpec dataset;
    dataset.source = "idx";
    dataset.params = {{"train_images", (dir + QStringLiteral("/train-images-idx3-ubyte")).toStdString()},
                      {"train_labels", (dir + QStringLiteral("/train-labels-idx1-ubyte")).toStdString()},
                      {"test_images", ""},
                      {"test_labels", ""}};
    return dataset;
}

// Waits until the panel's preview has settled after the last edit.
bool previewSettled(DataPanel* panel)
{
    return QTest::qWaitFor([panel] { return !panel->loader()->isBusy(); }, kLoadTimeoutMs);
}

// Threads of this process that run only when a core would idle (Linux's SCHED_IDLE).
int idlePriorityThreads()
{
    constexpr int kSchedIdle = 5;
    int count = 0;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(tasks.filePath(task + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue; // the thread has ended
        const QByteArray text = stat.readAll();
        // The fields after the thread's name, which may hold spaces: the policy is the 39th.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 38 && fields[38].toInt() == kSchedIdle)
            ++count;
    }
    return count;
}

} // namespace

class TestDataPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sourceAndParamEditsAreUndoSteps();
    void typingInOneFieldMergesIntoOneStep();
    void invalidValuesAreRefused();
    void previewLoadsSyntheticDataOnce();
    void closingDuringALoadIsSafe();
    void previewLoadsInTheBackgroundWhileARunTrains();
    void idxImagesShowInTheGrid();
    void imagesDecodedPerBatchShowInTheGrid();
    void loadErrorsNameTheFile();
    void importDialogDetectsTheSource();
    void missingDataFilesAreFlaggedOnOpen();
    void saveAsElsewhereKeepsTheDataFiles();
    void qualityFixIsAnUndoStep();
    void networkFitsTheDataInOneStep();
    void newFromDataMakesAProjectThatFits();
    void augmentationPreviewShowsVariants();

private:
    QTemporaryDir m_dir;
};

void TestDataPanel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    useScratchSettings(m_dir, QStringLiteral("tst_datapanel"));
}

void TestDataPanel::sourceAndParamEditsAreUndoSteps()
{
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QUndoStack* undo = document->undoStack();
    const QString start = snapshot(document->project());

    QComboBox* source = panel->sourceCombo();
    const int idx = source->findData(QStringLiteral("idx"));
    QVERIFY(idx >= 0);
    source->setCurrentIndex(idx);
    Q_EMIT source->activated(idx);
    QCOMPARE(document->project().dataset.source, std::string("idx"));
    QCOMPARE(undo->count(), 1);
    QCOMPARE(undo->text(0), QStringLiteral("Change data source"));
    const QString idxSource = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, start, idxSource), QString());
    // The form follows the source: its File params now have editors.
    QVERIFY(panel->form()->editor("params.train_images"));
    QVERIFY(!panel->form()->editor("params.samples"));

    // A path typed into a File editor is one step.
    auto* path = panel->form()->editor("params.train_images")->findChild<QLineEdit*>();
    QVERIFY(path);
    path->setText(QStringLiteral("data/train-images-idx3-ubyte"));
    Q_EMIT path->editingFinished();
    QCOMPARE(document->project().dataset.params.at("train_images").get<std::string>(),
             std::string("data/train-images-idx3-ubyte"));
    QCOMPARE(undo->count(), 2);
    QCOMPARE(undo->text(1), QStringLiteral("Set train_images"));
    const QString withPath = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, idxSource, withPath), QString());

    // A spin box of the Split group.
    auto* validation = panel->form()->editor("split.validation")->findChild<QDoubleSpinBox*>();
    QVERIFY(validation);
    validation->setValue(0.3);
    QCOMPARE(document->project().dataset.split.at("validation").get<double>(), 0.3);
    QCOMPARE(undo->count(), 3);
    QCOMPARE(undo->text(2), QStringLiteral("Set split.validation"));
    QCOMPARE(undoRedoMismatch(window, withPath, snapshot(document->project())), QString());

    // Undo all the way gives back the project exactly, and the form with it.
    while (undo->canUndo())
        undo->undo();
    QCOMPARE(snapshot(document->project()), start);
    QCOMPARE(source->currentData().toString(), QStringLiteral("synthetic"));
    QVERIFY(panel->form()->editor("params.samples"));
}

void TestDataPanel::typingInOneFieldMergesIntoOneStep()
{
    MainWindow window;
    GraphDocument* document = window.document();
    QUndoStack* undo = document->undoStack();
    const QString start = snapshot(document->project());
    const DatasetSpec original = document->project().dataset;
    DatasetSpec dataset = original;
    const QString what = QStringLiteral("Set split.validation");
    const int session = 4711;
    for (double value : {0.25, 0.3, 0.35}) {
        dataset.split["validation"] = value;
        QCOMPARE(document->setDataset(dataset, what, session), QString());
    }
    QCOMPARE(undo->count(), 1);
    QCOMPARE(document->project().dataset.split.at("validation").get<double>(), 0.35);
    QCOMPARE(undoRedoMismatch(window, start, snapshot(document->project())), QString());
    // Another field in the same session is its own step.
    dataset.split["seed"] = 9;
    QCOMPARE(document->setDataset(dataset, QStringLiteral("Set split.seed"), session), QString());
    QCOMPARE(undo->count(), 2);
    // Typed back to where the session started: the step goes away.
    undo->undo();
    dataset = document->project().dataset;
    dataset.split = original.split;
    QCOMPARE(document->setDataset(dataset, what, session), QString());
    QCOMPARE(undo->count(), 0);
    QCOMPARE(snapshot(document->project()), start);
}

void TestDataPanel::invalidValuesAreRefused()
{
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QUndoStack* undo = document->undoStack();
    const QString start = snapshot(document->project());

    // Each fraction is in range, but together they leave nothing to train on.
    ParamEditor* test = panel->form()->editor("split.test");
    test->findChild<QDoubleSpinBox*>()->setValue(0.8);
    QCOMPARE(undo->count(), 0);
    QCOMPARE(snapshot(document->project()), start);
    QVERIFY2(panel->message().contains(QStringLiteral("leave some data")), qPrintable(panel->message()));
    QVERIFY(!test->problem().isEmpty());
    // A good value clears the message and goes in.
    test->findChild<QDoubleSpinBox*>()->setValue(0.1);
    QCOMPARE(undo->count(), 1);
    QCOMPARE(panel->message(), QString());
    QCOMPARE(test->problem(), QString());

    // The document refuses what the schema refuses, whoever asks.
    DatasetSpec bad = document->project().dataset;
    bad.params["samples"] = -5;
    QVERIFY(document->setDataset(bad, QStringLiteral("Set samples")).contains(QStringLiteral("params.samples")));
    bad = document->project().dataset;
    bad.params["colour"] = "red";
    QVERIFY(!document->setDataset(bad, QStringLiteral("Set colour")).isEmpty());
    QCOMPARE(undo->count(), 1);

    // Text that is no number never leaves the editor.
    ParamEditor* samples = panel->form()->editor("params.samples");
    QSignalSpy rejected(samples, &ParamEditor::rejected);
    auto* line = samples->findChild<QSpinBox*>()->findChild<QLineEdit*>();
    line->setText(QStringLiteral("0"));
    Q_EMIT line->textEdited(line->text());
    QVERIFY(samples->problem().contains(QStringLiteral("samples")));
    Q_EMIT samples->findChild<QSpinBox*>()->editingFinished();
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(undo->count(), 1);
}

void TestDataPanel::previewLoadsSyntheticDataOnce()
{
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QVERIFY(previewSettled(panel));
    QSignalSpy started(panel->loader(), &DataPreviewLoader::started);

    // Quick edits in a row: one load, of the last one.
    auto* samples = panel->form()->editor("params.samples")->findChild<QSpinBox*>();
    for (int count : {100, 200, 321})
        samples->setValue(count);
    QCOMPARE(document->project().dataset.params.at("samples").get<int>(), 321);
    QVERIFY(previewSettled(panel));
    QTRY_COMPARE_WITH_TIMEOUT(panel->preview()->tableModel()->rowCount(), 321, kLoadTimeoutMs);
    QCOMPARE(started.count(), 1);

    SampleTableModel* table = panel->preview()->tableModel();
    QCOMPARE(table->columnCount(), 3); // label, x0, x1
    QCOMPARE(table->headerData(0, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("label"));
    const QString label = table->data(table->index(320, 0), Qt::DisplayRole).toString();
    QVERIFY2(QStringList({"0", "1", "2"}).contains(label), qPrintable(label));
    bool number = false;
    table->data(table->index(0, 1), Qt::DisplayRole).toString().toDouble(&number);
    QVERIFY(number);
    QVERIFY2(panel->preview()->summary().contains(QStringLiteral("321 samples")),
             qPrintable(panel->preview()->summary()));
    QCOMPARE(panel->preview()->histogram()->barCount(), 3);
    QCOMPARE(panel->preview()->statsModel()->rowCount(), 2);
    QCOMPARE(panel->preview()->imageModel()->rowCount(), 0); // points, not images

    // Split and augmentation edits leave the raw data as it is: no reload.
    panel->form()->editor("split.validation")->findChild<QDoubleSpinBox*>()->setValue(0.3);
    QVERIFY(previewSettled(panel));
    QCOMPARE(started.count(), 1);
}

void TestDataPanel::closingDuringALoadIsSafe()
{
    auto window = std::make_unique<MainWindow>();
    DataPanel* panel = window->dataPanel();
    QSignalSpy started(panel->loader(), &DataPreviewLoader::started);
    panel->form()->editor("params.samples")->findChild<QSpinBox*>()->setValue(2'000'000);
    QVERIFY(started.wait(kLoadTimeoutMs));
    // The load in flight outlives the panel; its result goes nowhere.
    window.reset();
    QTest::qWait(300);
}

// A preview loaded while a run trains takes only the time the run leaves:
// its thread runs at the lowest priority; once the run ends, loads do not.
void TestDataPanel::previewLoadsInTheBackgroundWhileARunTrains()
{
#ifndef Q_OS_LINUX
    QSKIP("thread priorities are read from /proc");
#endif
    QTemporaryDir dir;
    const QString path = writeSpiralVariant(dir.filePath(QStringLiteral("long.lepton")), [](nlohmann::json& project) {
        project["training"]["epochs"] = 2000;
    });
    MainWindow window;
    QVERIFY(window.files()->openProject(path));
    DataPanel* panel = window.dataPanel();
    QVERIFY(previewSettled(panel));
    QCOMPARE(idlePriorityThreads(), 0); // loads before the run take their share

    auto* session = window.findChild<TrainingSession*>();
    QSignalSpy finished(session, &TrainingSession::finished);
    action(window, "actionTrain")->trigger();
    QVERIFY(panel->loader()->isBackground());
    panel->form()->editor("params.samples")->findChild<QSpinBox*>()->setValue(321);
    QVERIFY(previewSettled(panel));
    QTRY_COMPARE_WITH_TIMEOUT(panel->preview()->tableModel()->rowCount(), 321, kLoadTimeoutMs);
    QVERIFY(session->isActive()); // the load ran beside the run
    QVERIFY(idlePriorityThreads() >= 1);

    session->stop();
    QVERIFY(finished.wait(kLoadTimeoutMs));
    QVERIFY(!panel->loader()->isBackground());
}

void TestDataPanel::idxImagesShowInTheGrid()
{
    QTemporaryDir data;
    writeIdx(data.path(), 5);
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QCOMPARE(document->setDataset(idxDataset(data.path()), QStringLiteral("Import data")), QString());
    SampleImageModel* images = panel->preview()->imageModel();
    QTRY_COMPARE_WITH_TIMEOUT(images->rowCount(), 5, kLoadTimeoutMs);

    const QImage second = images->image(1);
    QCOMPARE(second.size(), QSize(4, 4));
    QCOMPARE(qGray(second.pixel(0, 0)), 16);
    QCOMPARE(qGray(second.pixel(3, 3)), 31);
    const QVariant thumbnail = images->data(images->index(4), Qt::DecorationRole);
    QVERIFY(!thumbnail.value<QImage>().isNull());
    QCOMPARE(images->data(images->index(4), Qt::DisplayRole).toString(), QStringLiteral("1"));
    QCOMPARE(panel->preview()->tableModel()->rowCount(), 5);
    QCOMPARE(panel->preview()->histogram()->barCount(), 3);

    // The new project's Input takes 2 values; the banner and the canvas say
    // so, until it takes the images.
    QVERIFY2(panel->bannerText().contains(QStringLiteral("Input 'input1' takes [2] but the data gives [1, 4, 4]")),
             qPrintable(panel->bannerText()));
    const NodeId input = nodeNamed(*document, "input1");
    QCOMPARE(document->nodeShapes(input)->status, NodeStatus::Invalid);
    document->undoStack()->push(new SetParamCommand(document, input, "shape", {1, 4, 4}));
    QVERIFY2(!panel->bannerText().contains(QStringLiteral("Input 'input1'")), qPrintable(panel->bannerText()));
    QVERIFY(document->nodeShapes(input)->status != NodeStatus::Invalid);
}

// A folder decoded per batch keeps no pixels: the grid decodes what it shows.
void TestDataPanel::imagesDecodedPerBatchShowInTheGrid()
{
    QTemporaryDir data;
    writeImage(data.filePath(QStringLiteral("red/1.png")), 4, 4, solid(4, 4, {250, 0, 0}));
    writeImage(data.filePath(QStringLiteral("blue/2.png")), 4, 4, solid(4, 4, {0, 0, 250}));
    MainWindow window;
    DatasetSpec dataset;
    dataset.source = "images";
    dataset.params = {{"folder", data.path().toStdString()}, {"width", 4}, {"height", 4}, {"decode", "per_batch"}};
    QCOMPARE(window.document()->setDataset(dataset, QStringLiteral("Import data")), QString());
    SampleImageModel* images = window.dataPanel()->preview()->imageModel();
    QTRY_COMPARE_WITH_TIMEOUT(images->rowCount(), 2, kLoadTimeoutMs);
    QCOMPARE(images->data(images->index(0), Qt::DisplayRole).toString(), QStringLiteral("blue"));
    QCOMPARE(images->image(0).pixel(1, 1), qRgb(0, 0, 250));
    QCOMPARE(images->image(1).pixel(2, 3), qRgb(250, 0, 0));
    QVERIFY(!images->data(images->index(1), Qt::DecorationRole).value<QImage>().isNull());
}

void TestDataPanel::networkFitsTheDataInOneStep()
{
    QTemporaryDir data;
    writeIdx(data.path(), 6);
    // A network made for this data, then broken twice: another Input shape
    // and another number of classes.
    const QString file = data.filePath(QStringLiteral("net.lepton"));
    Project project = projectFromData(idxDataset(data.path()), file.toStdString()).project;
    for (const Node& node : project.graph.nodes()) {
        if (node.type == "Input")
            project.graph.node(node.id)->params["shape"] = {1, 8, 8};
    }
    Node* classifier = nullptr;
    for (const Node& node : project.graph.nodes())
        classifier = node.type == "Linear" ? project.graph.node(node.id) : classifier;
    classifier->params["out_features"] = 7;
    saveProject(project, file.toStdString());

    MainWindow window;
    QVERIFY(window.files()->openProject(file));
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QTRY_COMPARE_WITH_TIMEOUT(document->dataMismatches().size(), size_t(2), kLoadTimeoutMs);
    QVERIFY2(panel->bannerText().contains(QStringLiteral("takes [1, 8, 8] but the data gives [1, 4, 4]")),
             qPrintable(panel->bannerText()));
    QVERIFY2(panel->bannerText().contains(QStringLiteral("receives [7] but the data has 3 classes")),
             qPrintable(panel->bannerText()));
    const QString broken = snapshot(document->project());

    auto* fit = panel->findChild<QPushButton*>(QStringLiteral("fitNetworkButton"));
    QVERIFY(fit && fit->isVisibleTo(panel));
    const int inferences = document->inferenceCount();
    QTest::mouseClick(fit, Qt::LeftButton);
    QCOMPARE(document->inferenceCount(), inferences + 1);
    QVERIFY(document->dataMismatches().empty());
    QCOMPARE(panel->bannerText(), QString());
    QCOMPARE(document->undoStack()->count(), 1);
    QCOMPARE(document->undoStack()->text(0), QStringLiteral("Fit the network to the data"));
    QCOMPARE(undoRedoMismatch(window, broken, snapshot(document->project())), QString());
    document->undoStack()->undo();
    QCOMPARE(document->dataMismatches().size(), size_t(2));
}

void TestDataPanel::loadErrorsNameTheFile()
{
    QTemporaryDir data;
    writeIdx(data.path(), 5);
    const QString images = data.filePath(QStringLiteral("train-images-idx3-ubyte"));
    QVERIFY(QFile::resize(images, QFileInfo(images).size() - 10));
    MainWindow window;
    DataPanel* panel = window.dataPanel();
    QCOMPARE(window.document()->setDataset(idxDataset(data.path()), QStringLiteral("Import data")), QString());
    QTRY_VERIFY_WITH_TIMEOUT(!panel->preview()->error().isEmpty(), kLoadTimeoutMs);
    const QString error = panel->preview()->error();
    QVERIFY2(error.contains(images) && error.contains(QStringLiteral("ends after")), qPrintable(error));
    QCOMPARE(panel->preview()->tableModel()->rowCount(), 0);
    for (QWidget* widget : QApplication::topLevelWidgets())
        QVERIFY2(!widget->inherits("QMessageBox") || !widget->isVisible(), "a message box popped up");

    // Mended on disk, the data reads again on Reload.
    writeIdx(data.path(), 5);
    panel->reload();
    QTRY_COMPARE_WITH_TIMEOUT(panel->preview()->imageModel()->rowCount(), 5, kLoadTimeoutMs);
    QCOMPARE(panel->preview()->error(), QString());
}

void TestDataPanel::importDialogDetectsTheSource()
{
    QTemporaryDir data;
    writeIdx(data.path(), 7);
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    const DatasetSpec before = document->project().dataset;

    panel->importData();
    auto* dialog = panel->findChild<DataImportDialog*>();
    QVERIFY(dialog);
    dialog->setPath(data.filePath(QStringLiteral("train-images-idx3-ubyte")));
    QCOMPARE(dialog->dataset().source, std::string("idx"));
    QCOMPARE(dialog->dataset().params.at("train_labels").get<std::string>(),
             data.filePath(QStringLiteral("train-labels-idx1-ubyte")).toStdString());
    QVERIFY(dialog->detectionNote().contains(QStringLiteral("IDX")));
    QTRY_COMPARE_WITH_TIMEOUT(dialog->preview()->imageModel()->rowCount(), 7, kLoadTimeoutMs);
    // The project keeps its data until the dialog is accepted.
    QCOMPARE(document->project().dataset.source, before.source);

    const QString start = snapshot(document->project());
    dialog->accept();
    QCOMPARE(document->project().dataset.source, std::string("idx"));
    QVERIFY(document->project().dataset.split == before.split);
    QCOMPARE(document->undoStack()->count(), 1);
    QCOMPARE(document->undoStack()->text(0), QStringLiteral("Import data"));
    QCOMPARE(undoRedoMismatch(window, start, snapshot(document->project())), QString());

    // A path nothing recognizes says so and changes nothing.
    panel->importData();
    dialog = panel->findChildren<DataImportDialog*>().constLast();
    dialog->setPath(data.filePath(QStringLiteral("notes.txt")));
    QVERIFY(dialog->detectionNote().contains(QStringLiteral("No data source")));
    QCOMPARE(dialog->dataset().source, std::string("idx"));
    dialog->reject();
}

void TestDataPanel::missingDataFilesAreFlaggedOnOpen()
{
    Project project = loadProject(LEPTON_SOURCE_DIR "/projects/fashion-mnist-cnn.lepton", LayerRegistry::builtin());
    project.dataset.params["train_images"] = "moved/train-images-idx3-ubyte.gz";
    project.dataset.params["train_labels"] = "moved/train-labels-idx1-ubyte.gz";
    project.dataset.params["test_images"] = "";
    project.dataset.params["test_labels"] = "";
    const QString path = m_dir.filePath(QStringLiteral("moved-data.lepton"));
    saveProject(project, path.toStdString());

    MainWindow window;
    QVERIFY(window.files()->openProject(path));
    DataPanel* panel = window.dataPanel();
    QCOMPARE(panel->missingFiles().size(), 2);
    // Relative paths are read from the project's folder, and named so.
    const QString banner = panel->bannerText();
    QVERIFY2(banner.contains(m_dir.filePath(QStringLiteral("moved/train-images-idx3-ubyte.gz")))
                 && banner.contains(QStringLiteral("no such file")),
             qPrintable(banner));
    QVERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("data files cannot be read"))
                 && window.statusBar()->currentMessage().contains(QStringLiteral("no such file")),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(!panel->loader()->isBusy());
    QCOMPARE(panel->preview()->tableModel()->rowCount(), 0);

    // A project whose files are there opens without a word about them.
    QVERIFY(window.files()->openProject(kSpiral));
    QVERIFY(panel->missingFiles().isEmpty());
    QVERIFY(!panel->bannerText().contains(QStringLiteral("Missing")));
}

// Relative data paths follow the project to its new folder, and temporary
// files a killed save left beside a project go when it is opened.
void TestDataPanel::saveAsElsewhereKeepsTheDataFiles()
{
    QDir root(m_dir.path());
    QVERIFY(root.mkpath(QStringLiteral("first/data")) && root.mkpath(QStringLiteral("second/deeper")));
    Project project = loadProject(LEPTON_SOURCE_DIR "/projects/fashion-mnist-cnn.lepton", LayerRegistry::builtin());
    for (const char* param : {"train_images", "train_labels"}) {
        const std::string original = project.dataset.params[param];
        const QString name = QFileInfo(QString::fromStdString(original)).fileName();
        QVERIFY(QFile::link(QString::fromStdString(original), root.filePath(QStringLiteral("first/data/") + name)));
        project.dataset.params[param] = "data/" + name.toStdString();
    }
    const QString first = root.filePath(QStringLiteral("first/project.lepton"));
    saveProject(project, first.toStdString());

    MainWindow window;
    QVERIFY(window.files()->openProject(first));
    QVERIFY(window.dataPanel()->missingFiles().isEmpty());
    const QString second = root.filePath(QStringLiteral("second/deeper/moved.lepton"));
    QVERIFY(window.files()->saveProjectAs(second));
    const std::string expected = "../../first/data/train-images-idx3-ubyte.gz";
    QCOMPARE(window.document()->project().dataset.params["train_images"].get<std::string>(), expected);
    QCOMPARE(loadProject(second.toStdString(), LayerRegistry::builtin()).dataset.params["train_images"].get<std::string>(),
             expected);
    QVERIFY(window.dataPanel()->missingFiles().isEmpty());
    QVERIFY(!window.document()->isModified());

    const QString leftover = root.filePath(QStringLiteral("second/deeper/.moved.lepton.tmp-4194305-0"));
    QFile killedSave(leftover);
    QVERIFY(killedSave.open(QIODevice::WriteOnly));
    killedSave.close();
    QVERIFY(window.files()->openProject(second));
    QVERIFY(!QFile::exists(leftover));
    QVERIFY(window.dataPanel()->missingFiles().isEmpty());
}

void TestDataPanel::qualityFixIsAnUndoStep()
{
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QUndoStack* undo = document->undoStack();
    const QString start = snapshot(document->project());

    QualityIssue issue;
    issue.kind = "class_imbalance";
    issue.message = "class 2 has 3 samples, class 0 has 500";
    issue.fix = {{"classes", 2}, {"noise", 0.0}};
    issue.fixLabel = "Use two classes";
    QualityIssue manual;
    manual.kind = "too_few_samples";
    manual.message = "only 12 samples";
    QualityReport* report = panel->preview()->qualityReport();
    report->setIssues({issue, manual});
    const QList<QPushButton*> fixes = report->findChildren<QPushButton*>(QStringLiteral("fix"));
    QCOMPARE(fixes.size(), 1); // the issue without a fix has no button
    QCOMPARE(fixes.front()->text(), QStringLiteral("Use two classes"));
    fixes.front()->click();

    QCOMPARE(undo->count(), 1);
    QCOMPARE(undo->text(0), QStringLiteral("Use two classes"));
    QCOMPARE(document->project().dataset.params.at("classes").get<int>(), 2);
    QCOMPARE(document->project().dataset.params.at("noise").get<double>(), 0.0);
    QCOMPARE(undoRedoMismatch(window, start, snapshot(document->project())), QString());

    // A fix the schema refuses is shown, not applied.
    issue.fix = {{"noise", -1.0}};
    panel->applyFix(issue);
    QCOMPARE(undo->count(), 1);
    QVERIFY(panel->message().contains(QStringLiteral("noise")));
}

void TestDataPanel::newFromDataMakesAProjectThatFits()
{
    QTemporaryDir data;
    writeIdx(data.path(), 6);
    MainWindow window;
    QTimer::singleShot(0, &window, [&data] {
        auto* dialog = qobject_cast<DataImportDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->setPath(data.filePath(QStringLiteral("train-images-idx3-ubyte")));
        dialog->accept();
    });
    action(window, "actionNewFromData")->trigger();

    GraphDocument* document = window.document();
    QCOMPARE(document->project().dataset.source, std::string("idx"));
    QCOMPARE(document->project().dataset.params.at("train_images").get<std::string>(),
             data.filePath(QStringLiteral("train-images-idx3-ubyte")).toStdString());
    QCOMPARE(document->shapes().errors, std::vector<std::string>());
    QVERIFY(document->graph().nodeByName("conv2d1")); // images get a CNN
    QCOMPARE(document->undoStack()->count(), 0);
    // Once the panel has read the data, nothing is out of line with it.
    QTRY_VERIFY_WITH_TIMEOUT(document->dataInterface().has_value(), kLoadTimeoutMs);
    QVERIFY(document->dataMismatches().empty());
}

void TestDataPanel::augmentationPreviewShowsVariants()
{
    QTemporaryDir data;
    writeIdx(data.path(), 6);
    MainWindow window;
    GraphDocument* document = window.document();
    DataPanel* panel = window.dataPanel();
    QCOMPARE(document->setDataset(idxDataset(data.path()), QStringLiteral("Import data")), QString());
    QTRY_COMPARE_WITH_TIMEOUT(panel->preview()->imageModel()->rowCount(), 6, kLoadTimeoutMs);
    AugmentationPreview* sheet = panel->preview()->augmentationPreview();
    QCOMPARE(sheet->rows(), 0); // no augmentation set

    DatasetSpec flipped = document->project().dataset;
    flipped.augmentation["flip"] = "horizontal";
    QCOMPARE(document->setDataset(flipped, QStringLiteral("Set augmentation.flip")), QString());
    // One sample of each of the 3 classes, then one more; each with 7 variants.
    QCOMPARE(sheet->rows(), 4);
    const QImage original = sheet->image(1, 0);
    QCOMPARE(original, panel->preview()->imageModel()->image(1));
    int mirrored = 0;
    for (int variant = 1; variant <= AugmentationPreview::kVariants; ++variant) {
        const QImage image = sheet->image(1, variant);
        QVERIFY(image == original || image == original.mirrored(true, false));
        mirrored += image != original;
    }
    QVERIFY(mirrored > 0 && mirrored < AugmentationPreview::kVariants);
    // Another draw: the same samples, other variants (one in 2^28 draws alike).
    std::vector<QImage> before;
    for (int sample = 0; sample < 4; ++sample)
        for (int variant = 1; variant <= AugmentationPreview::kVariants; ++variant)
            before.push_back(sheet->image(sample, variant));
    QTest::mouseClick(sheet->findChild<QPushButton*>(QStringLiteral("drawAgain")), Qt::LeftButton);
    std::vector<QImage> after;
    for (int sample = 0; sample < 4; ++sample)
        for (int variant = 1; variant <= AugmentationPreview::kVariants; ++variant)
            after.push_back(sheet->image(sample, variant));
    QCOMPARE(sheet->image(1, 0), original);
    QVERIFY(before != after);
}

QTEST_MAIN(TestDataPanel)
#include "tst_datapanel.moc"
