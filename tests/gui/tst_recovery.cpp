// Unsaved edits survive a killed workbench: a real workbench process is
// killed with SIGKILL after its autosave, and the next one recovers them.
#include "commands/renamenodecommand.h"
#include "common/guitestutil.h"
#include "projectrecovery.h"

#include <QFile>
#include <QFileInfo>
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

// The workbench that gets killed: opens the project, renames a layer, lets
// the autosave timer run and waits to be killed.
int runDoomedWorkbench(int argc, char** argv, const QString& project)
{
    QApplication app(argc, argv);
    QTemporaryDir settings;
    useScratchSettings(settings, QStringLiteral("tst_recovery_child"));
    MainWindow window;
    window.show();
    if (!window.files()->openProject(project))
        return 2;
    window.files()->recovery()->setInterval(100);
    window.document()->undoStack()->push(new RenameNodeCommand(window.document(), kFc1, kEditedName));
    const QString recovery = ProjectRecovery::recoveryPathFor(project);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (QFile::exists(recovery)) {
            std::printf("autosaved\n");
            std::fflush(stdout);
            poll.stop();
        }
    });
    poll.start(20);
    return app.exec();
}

QMessageBox* recoveryOffer(const MainWindow& window)
{
    return window.findChild<QMessageBox*>(QStringLiteral("recoveryOffer"));
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

    QProcess doomed;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(kChildProjectVariable), project);
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    doomed.setProcessEnvironment(environment);
    doomed.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    doomed.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(doomed.waitForStarted());
    QByteArray said;
    QObject::connect(&doomed, &QProcess::readyReadStandardOutput, [&] { said += doomed.readAllStandardOutput(); });
    QTRY_VERIFY_WITH_TIMEOUT(said.contains("autosaved") || doomed.state() != QProcess::Running, 60000);
    QCOMPARE(doomed.state(), QProcess::Running);
    ::kill(pid_t(doomed.processId()), SIGKILL);
    QVERIFY(doomed.waitForFinished(10000));
    QCOMPARE(doomed.exitStatus(), QProcess::CrashExit);

    QVERIFY(original.open(QIODevice::ReadOnly));
    QCOMPARE(original.readAll(), saved); // the kill left the project file as it was
    original.close();

    MainWindow window;
    QVERIFY(window.files()->openProject(project));
    QTRY_VERIFY(recoveryOffer(window));
    saveScreenshot(window, recoveryOffer(window));
    QCOMPARE(window.document()->graph().node(kFc1)->name, std::string("fc1"));
    recoveryOffer(window)->findChild<QPushButton*>(QStringLiteral("recoverButton"))->click();
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
    recoveryOffer(window)->findChild<QPushButton*>(QStringLiteral("discardButton"))->click();
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

int main(int argc, char** argv)
{
    if (const char* project = std::getenv(kChildProjectVariable))
        return runDoomedWorkbench(argc, argv, QString::fromLocal8Bit(project));
    QApplication app(argc, argv);
    TestRecovery test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_recovery.moc"
