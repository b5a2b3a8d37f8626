// Unsaved edits survive a killed workbench: a real workbench process is
// killed with SIGKILL after its autosave, and the next one recovers them.
#include "commands/renamenodecommand.h"
#include "common/guitestutil.h"
#include "projectrecovery.h"

#include <QFile>
#include <QDateTime>
#include <QFileInfo>
#include <QLockFile>
#include <QDir>
#include <QMessageBox>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <cstdlib>

using namespace lepton;
using namespace lepton::testing;

namespace {

const char* const kChildProjectVariable = "LEPTON_RECOVERY_TEST_PROJECT";
const std::string kEditedName = "renamed_before_the_kill";

// Asks the child for an untitled project rather than one from a file.
const QString kUntitled = QStringLiteral("untitled");

// The workbench that gets killed: opens the project (or takes the spiral
// example as an untitled one), renames a layer, lets the autosave timer run
// and waits to be killed.
int runDoomedWorkbench(int argc, char** argv, const QString& project)
{
    QApplication app(argc, argv);
    QTemporaryDir settings;
    useScratchSettings(settings, QStringLiteral("tst_recovery"));
    MainWindow window;
    window.show();
    if (project == kUntitled)
        window.document()->newProject(loadProject(kSpiral.toStdString(), LayerRegistry::builtin()));
    else if (!window.files()->openProject(project))
        return 2;
    window.files()->recovery()->setInterval(100);
    window.document()->undoStack()->push(new RenameNodeCommand(window.document(), kFc1, kEditedName));
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        const QDir untitled(ProjectRecovery::untitledFolder());
        const bool kept = project == kUntitled ? !untitled.entryList({QStringLiteral("untitled-*.lepton")}).isEmpty()
                                               : QFile::exists(ProjectRecovery::recoveryPathFor(project));
        if (kept) {
            std::printf("autosaved\n");
            std::fflush(stdout);
            poll.stop();
        }
    });
    poll.start(20);
    return app.exec();
}

// Runs a workbench on `project` (or kUntitled) in a process of its own and
// kills it with SIGKILL once its unsaved edit was autosaved; "" or what went wrong.
QString killAfterAutosave(const QString& project)
{
    QProcess doomed;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(kChildProjectVariable), project);
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    doomed.setProcessEnvironment(environment);
    doomed.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    doomed.start(QCoreApplication::applicationFilePath(), {});
    if (!doomed.waitForStarted())
        return QStringLiteral("the workbench did not start");
    QByteArray said;
    while (!said.contains("autosaved") && doomed.waitForReadyRead(60000))
        said += doomed.readAllStandardOutput();
    if (doomed.state() != QProcess::Running)
        return QStringLiteral("the workbench ended before its autosave: ") + QString::fromLocal8Bit(said);
    if (!said.contains("autosaved"))
        return QStringLiteral("no autosave within a minute");
    ::kill(pid_t(doomed.processId()), SIGKILL);
    if (!doomed.waitForFinished(10000) || doomed.exitStatus() != QProcess::CrashExit)
        return QStringLiteral("the workbench survived SIGKILL");
    return {};
}

QMessageBox* recoveryOffer(const MainWindow& window)
{
    return window.findChild<QMessageBox*>(QStringLiteral("recoveryOffer"));
}

// Clicks "recoverButton" or "discardButton" on the window's offer.
void answerOffer(const MainWindow& window, const char* button)
{
    recoveryOffer(window)->findChild<QPushButton*>(QString::fromLatin1(button))->click();
}

// For the README, when LEPTON_SCREENSHOT_DIR asks: the window with the
// offer over it, as the desktop would show them.
void saveScreenshot(MainWindow& window, QWidget* offer)
{
    const QString folder = qEnvironmentVariable("LEPTON_SCREENSHOT_DIR");
    if (folder.isEmpty())
        return;
    QImage image = window.grab().toImage();
    const QPixmap box = offer->grab();
    QPainter painter(&image);
    painter.drawPixmap((image.width() - box.width()) / 2, (image.height() - box.height()) / 3, box);
    image.save(folder + QStringLiteral("/recovery.png"));
}

} // namespace

class TestRecovery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { useScratchSettings(m_settings, QStringLiteral("tst_recovery")); }
    void editsOfAKilledWorkbenchAreRecovered();
    void declinedRecoveryIsGone();
    void savingRemovesTheRecoveryFile();
    void untitledEditsOfAKilledWorkbenchAreRecovered();
    void declinedUntitledRecoveryIsGone();
    void undoingEveryEditRemovesTheRecoveryFile();

private:
    QTemporaryDir m_settings;
};

void TestRecovery::editsOfAKilledWorkbenchAreRecovered()
{
    QTemporaryDir dir;
    const QString project = writeSpiralVariant(dir.filePath(QStringLiteral("net.lepton")), [](nlohmann::json&) {});
    QFile original(project);
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray saved = original.readAll();
    original.close();

    QCOMPARE(killAfterAutosave(project), QString());

    QVERIFY(original.open(QIODevice::ReadOnly));
    QCOMPARE(original.readAll(), saved); // the kill left the project file as it was
    original.close();

    MainWindow window;
    QVERIFY(window.files()->openProject(project));
    QTRY_VERIFY(recoveryOffer(window));
    saveScreenshot(window, recoveryOffer(window));
    QCOMPARE(window.document()->graph().node(kFc1)->name, std::string("fc1"));
    answerOffer(window, "recoverButton");
    QCOMPARE(window.document()->graph().node(kFc1)->name, kEditedName);
    QVERIFY(window.document()->isModified());
    QVERIFY(window.isWindowModified());

    QVERIFY(window.files()->save());
    QVERIFY(!QFile::exists(ProjectRecovery::recoveryPathFor(project)));
    QCOMPARE(loadProject(project.toStdString(), LayerRegistry::builtin()).graph.node(kFc1)->name, kEditedName);
}

void TestRecovery::declinedRecoveryIsGone()
{
    QTemporaryDir dir;
    const QString project = writeSpiralVariant(dir.filePath(QStringLiteral("net.lepton")), [](nlohmann::json&) {});
    {
        MainWindow editing;
        QVERIFY(editing.files()->openProject(project));
        editing.document()->undoStack()->push(new RenameNodeCommand(editing.document(), kFc1, kEditedName));
        editing.files()->recovery()->saveNow();
        QVERIFY(QFile::exists(ProjectRecovery::recoveryPathFor(project)));
    }
    MainWindow window;
    QVERIFY(window.files()->openProject(project));
    QTRY_VERIFY(recoveryOffer(window));
    answerOffer(window, "discardButton");
    QVERIFY(!QFile::exists(ProjectRecovery::recoveryPathFor(project)));
    QCOMPARE(window.document()->graph().node(kFc1)->name, std::string("fc1"));
    QVERIFY(!window.document()->isModified());
}

void TestRecovery::savingRemovesTheRecoveryFile()
{
    QTemporaryDir dir;
    const QString project = writeSpiralVariant(dir.filePath(QStringLiteral("net.lepton")), [](nlohmann::json&) {});
    MainWindow window;
    QVERIFY(window.files()->openProject(project));
    window.files()->recovery()->saveNow();
    QVERIFY2(!QFile::exists(ProjectRecovery::recoveryPathFor(project)), "nothing unsaved, nothing kept");
    window.document()->undoStack()->push(new RenameNodeCommand(window.document(), kFc1, kEditedName));
    window.files()->recovery()->setInterval(50);
    QTRY_VERIFY(QFile::exists(ProjectRecovery::recoveryPathFor(project))); // the timer keeps a copy
    QVERIFY(window.files()->save());
    QVERIFY(!QFile::exists(ProjectRecovery::recoveryPathFor(project)));
    QVERIFY(!recoveryOffer(window));
}

// The untitled files in the recovery folder.
QStringList untitledFiles()
{
    return QDir(ProjectRecovery::untitledFolder()).entryList({QStringLiteral("untitled-*.lepton")}, QDir::Files);
}

void TestRecovery::untitledEditsOfAKilledWorkbenchAreRecovered()
{
    QCOMPARE(killAfterAutosave(kUntitled), QString());
    const QStringList left = untitledFiles();
    QCOMPARE(left.size(), 1);
    // A workbench still running keeps its file: it is never offered.
    const QString running = QDir(ProjectRecovery::untitledFolder()).filePath(QStringLiteral("untitled-1-1.lepton"));
    QVERIFY(QFile::copy(QDir(ProjectRecovery::untitledFolder()).filePath(left.front()), running));
    QFile newer(running); // the newest, so it is the first the workbench would look at
    QVERIFY(newer.open(QIODevice::ReadWrite));
    QVERIFY(newer.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
    newer.close();
    QLockFile runningLock(running + QStringLiteral(".lock"));
    runningLock.setStaleLockTime(0);
    QVERIFY(runningLock.tryLock(0));

    MainWindow window;
    window.files()->recovery()->offerUntitledRecovery();
    QTRY_VERIFY(recoveryOffer(window));
    // A second workbench starting meanwhile finds the file claimed.
    {
        MainWindow second;
        second.files()->recovery()->offerUntitledRecovery();
        QVERIFY(!recoveryOffer(second));
    }
    answerOffer(window, "recoverButton");
    QVERIFY(window.document()->filePath().isEmpty());
    QCOMPARE(window.document()->graph().node(kFc1)->name, kEditedName);
    QVERIFY(window.document()->isModified());
    // The gone workbench's file gave way to this one's own copy; the running one's stays.
    const QStringList kept = untitledFiles();
    QCOMPARE(kept.size(), 2);
    QVERIFY(kept.contains(QStringLiteral("untitled-1-1.lepton")));
    QVERIFY(!kept.contains(left.front()));

    QTemporaryDir dir;
    QVERIFY(window.files()->saveProjectAs(dir.filePath(QStringLiteral("named.lepton"))));
    QCOMPARE(untitledFiles(), QStringList{QStringLiteral("untitled-1-1.lepton")});
    runningLock.unlock();
    QVERIFY(QFile::remove(running));
}

void TestRecovery::declinedUntitledRecoveryIsGone()
{
    QCOMPARE(killAfterAutosave(kUntitled), QString());
    QCOMPARE(untitledFiles().size(), 1);
    MainWindow window;
    window.files()->recovery()->offerUntitledRecovery();
    QTRY_VERIFY(recoveryOffer(window));
    answerOffer(window, "discardButton");
    QVERIFY(untitledFiles().isEmpty());
    QVERIFY(!window.document()->isModified());
}

void TestRecovery::undoingEveryEditRemovesTheRecoveryFile()
{
    QTemporaryDir dir;
    const QString project = writeSpiralVariant(dir.filePath(QStringLiteral("net.lepton")), [](nlohmann::json&) {});
    MainWindow window;
    QVERIFY(window.files()->openProject(project));
    window.document()->undoStack()->push(new RenameNodeCommand(window.document(), kFc1, kEditedName));
    window.files()->recovery()->saveNow();
    QVERIFY(QFile::exists(ProjectRecovery::recoveryPathFor(project)));
    window.document()->undoStack()->undo();
    QVERIFY(window.files()->maybeSave()); // no question: nothing is unsaved
    QVERIFY(!QFile::exists(ProjectRecovery::recoveryPathFor(project)));
}

int main(int argc, char** argv)
{
    if (const char* project = std::getenv(kChildProjectVariable))
        return runDoomedWorkbench(argc, argv, QString::fromLocal8Bit(project));
    // Untitled projects' recovery files go under the user's data folder: a
    // scratch one here, which the killed workbenches inherit.
    QTemporaryDir data;
    qputenv("XDG_DATA_HOME", data.path().toLocal8Bit());
    QApplication app(argc, argv);
    TestRecovery test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_recovery.moc"
