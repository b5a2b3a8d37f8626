// File > Export and the Predict panel offscreen, driven as a user would:
// the menu action, the dialog's Export button, a file dropped on the panel.
#include "common/guitestutil.h"
#include "common/npytestutil.h"
#include "exportdialog.h"
#include "predictpanel.h"
#include "trainingsession.h"

#include <QApplication>
#include <QFileInfo>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace lepton;
using namespace lepton::testing;

class TestExportGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        useScratchSettings(m_dir, QStringLiteral("tst_exportgui"));
    }
    void exportsAndPredictsFromTheMenus();

private:
    QTemporaryDir m_dir;
};

// Train, then File > Export every format from the last checkpoint, then drop
// an NPY file of points on the Predict panel: all from the window, as a user would.
void TestExportGui::exportsAndPredictsFromTheMenus()
{
    const QString path = writeSpiralVariant(m_dir.filePath(QStringLiteral("exported.lepton")), [](nlohmann::json& project) {
        project["training"]["epochs"] = 2;
    });
    MainWindow window;
    window.show();
    QVERIFY(window.files()->openProject(path));
    action(window, "actionTrain")->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isActive(), 120000);
    QVERIFY(QFileInfo::exists(path + QStringLiteral(".d/last.ckpt")));

    action(window, "actionExport")->trigger();
    auto* dialog = window.findChild<ExportDialog*>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    const QString folder = m_dir.filePath(QStringLiteral("menu-export"));
    dialog->findChild<QLineEdit*>(QStringLiteral("folder"))->setText(folder);
    QSignalSpy finished(dialog, &ExportDialog::exportFinished);
    QPushButton* exportButton = nullptr;
    for (QPushButton* button : dialog->findChildren<QPushButton*>()) {
        if (button->text() == QStringLiteral("&Export"))
            exportButton = button;
    }
    QVERIFY(exportButton);
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 120000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog->errorText()));
    for (const char* name : {"exported.torchscript.pt", "exported.onnx", "exported.weights.pt", "exported.metadata.json",
                             "exported_pytorch/model.py", "exported_pytorch/weights.pt"})
        QVERIFY2(dialog->writtenFiles().contains(folder + QLatin1Char('/') + QLatin1String(name)), name);
    const QString summary = dialog->findChild<QPlainTextEdit*>(QStringLiteral("summary"))->toPlainText();
    QVERIFY2(summary.contains(QStringLiteral("of the workbench's")), qPrintable(summary));
    dialog->close();

    const std::vector<float> points = {0.5f, 0.1f, -0.3f, 0.8f, 0.9f, -0.9f};
    const QString array = m_dir.filePath(QStringLiteral("points.npy"));
    lepton::testing::writeNpy(array, "<f4", {3, 2}, points.data(), points.size() * sizeof(float));
    PredictPanel* predict = window.predictPanel();
    QSignalSpy shown(predict, &PredictPanel::predictionsShown);
    // Dragged in from a file manager.
    QMimeData dragged;
    dragged.setUrls({QUrl::fromLocalFile(array)});
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &dragged, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(predict, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &dragged, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(predict, &drop);
    QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 60000);
    QVERIFY2(shown.at(0).at(0).toBool(), qPrintable(predict->statusText()));
    QCOMPARE(predict->table()->rowCount(), 3);
    for (int row = 0; row < 3; ++row) {
        QCOMPARE(predict->table()->item(row, 0)->text(), QStringLiteral("points.npy [%1]").arg(row));
        QVERIFY(QStringList({"0", "1", "2"}).contains(predict->table()->item(row, 1)->text()));
        QVERIFY(predict->table()->item(row, 2)->text().endsWith(QLatin1Char('%')));
    }
}

QTEST_MAIN(TestExportGui)
#include "tst_exportgui.moc"
