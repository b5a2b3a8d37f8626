#include "common/guitestutil.h"
#include "parameditor.h"
#include "trainingsettingspanel.h"
#include "train/computedevices.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStringListModel>
#include <QTemporaryDir>
#include <QTest>

using namespace lepton;
using namespace lepton::testing;

namespace {

// Picks `text` as a person does: the combo box reports it activated.
void choose(ParamEditor* editor, const QString& text)
{
    auto* combo = editor->findChild<QComboBox*>();
    QVERIFY(combo);
    const int index = combo->findText(text);
    QVERIFY(index >= 0);
    combo->setCurrentIndex(index);
    Q_EMIT combo->activated(index);
}

} // namespace

class TestSettingsPanel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { useScratchSettings(m_settings, QStringLiteral("tst_settingspanel")); }
    void everySettingHasAnEditor();
    void editsAreUndoStepsThatSaveAndReopen();
    void settingsWithoutEffectAreGreyedOut();
    void invalidValuesAreRefused();
    void deviceFieldListsTheDevices();
    void aDeviceThisMachineLacksIsFlaggedOnOpen();

private:
    QTemporaryDir m_settings;
};

void TestSettingsPanel::everySettingHasAnEditor()
{
    MainWindow window;
    TrainingSettingsPanel* panel = window.trainingSettings();
    for (const ParamSpec& spec : trainingSchema())
        QVERIFY2(panel->editor(spec.name), spec.name.c_str());
    for (const char* name : {"keep_last_checkpoints", "keep_best_checkpoints"}) {
        auto* group = qobject_cast<QGroupBox*>(panel->editor(name)->parentWidget());
        QVERIFY2(group, name);
        QCOMPARE(group->title(), QStringLiteral("Checkpoints"));
    }
}

void TestSettingsPanel::editsAreUndoStepsThatSaveAndReopen()
{
    MainWindow window;
    QVERIFY(window.files()->openProject(kSpiral));
    GraphDocument* document = window.document();
    TrainingSettingsPanel* panel = window.trainingSettings();
    QUndoStack* undo = document->undoStack();
    const QString opened = snapshot(document->project());

    choose(panel->editor("optimizer"), QStringLiteral("adamw"));
    QCOMPARE(toString(document->project().training.optimizer), std::string("adamw"));
    QCOMPARE(undo->count(), 1);
    QCOMPARE(undo->text(0), QStringLiteral("Set training.optimizer"));

    panel->editor("epochs")->findChild<QSpinBox*>()->setValue(7);
    panel->editor("learning_rate")->findChild<QDoubleSpinBox*>()->setValue(0.05);
    const QString beforeMilestones = snapshot(document->project());
    auto* milestones = panel->editor("milestones")->findChild<QLineEdit*>();
    milestones->setText(QStringLiteral("3, 5"));
    Q_EMIT milestones->editingFinished();
    const TrainingConfig& training = document->project().training;
    QCOMPARE(training.epochs, 7);
    QCOMPARE(training.learningRate, 0.05);
    QCOMPARE(training.milestones, (std::vector<int64_t>{3, 5}));
    QCOMPARE(undo->count(), 4);
    QVERIFY(document->isModified());
    QVERIFY(opened != beforeMilestones);

    const QString edited = snapshot(document->project());
    QCOMPARE(undoRedoMismatch(window, beforeMilestones, edited), QString());
    // The form follows undo.
    undo->undo();
    QCOMPARE(panel->editor("milestones")->findChild<QLineEdit*>()->text(), QString());
    undo->redo();
    QCOMPARE(panel->editor("milestones")->findChild<QLineEdit*>()->text(), QStringLiteral("3, 5"));

    QTemporaryDir dir;
    QCOMPARE(saveAndReloadMismatch(window, edited, dir), QString());
    QCOMPARE(window.trainingSettings()->editor("epochs")->findChild<QSpinBox*>()->value(), 7);
}

void TestSettingsPanel::settingsWithoutEffectAreGreyedOut()
{
    MainWindow window;
    TrainingSettingsPanel* panel = window.trainingSettings();
    QVERIFY(panel->editor("beta1")->isEnabled()); // Adam by default
    QVERIFY(!panel->editor("momentum")->isEnabled());
    QVERIFY(!panel->editor("patience")->isEnabled());
    QVERIFY(!panel->editor("monitor")->isEnabled());
    // Keeping more than the best checkpoint ranks epochs by the monitored metric.
    panel->editor("keep_best_checkpoints")->findChild<QSpinBox*>()->setValue(3);
    QVERIFY(panel->editor("monitor")->isEnabled());
    QVERIFY(!panel->editor("patience")->isEnabled());
    choose(panel->editor("optimizer"), QStringLiteral("sgd"));
    QVERIFY(!panel->editor("beta1")->isEnabled());
    QVERIFY(panel->editor("momentum")->isEnabled());
    panel->editor("early_stopping")->findChild<QCheckBox*>()->setChecked(true);
    QVERIFY(panel->editor("patience")->isEnabled());
    QVERIFY(panel->editor("monitor")->isEnabled());
    QVERIFY(!panel->editor("mixed_precision")->isEnabled()); // CUDA only; the device is cpu
}

void TestSettingsPanel::deviceFieldListsTheDevices()
{
    MainWindow window;
    auto* device = window.trainingSettings()->editor("device")->findChild<QLineEdit*>();
    QTRY_VERIFY(device->completer()); // the devices are listed off the GUI thread
    const QStringList offered = qobject_cast<QStringListModel*>(device->completer()->model())->stringList();
    QCOMPARE(offered.front(), QStringLiteral("cpu"));
    QCOMPARE(offered.size(), static_cast<qsizetype>(computeDevices().size()));
    QVERIFY2(device->toolTip().contains(QRegularExpression(QStringLiteral("\\ncpu: \\d+ cores, [\\d.]+ GiB"))),
             qPrintable(device->toolTip()));
    // A GPU this machine lacks is flagged; the device list returns with the CPU.
    device->setText(QStringLiteral("cuda:999"));
    QTest::keyClick(device, Qt::Key_Return);
    QVERIFY(device->toolTip().startsWith(QStringLiteral("device 'cuda:999' ")));
    device->setText(QStringLiteral("cpu"));
    QTest::keyClick(device, Qt::Key_Return);
    QVERIFY(device->toolTip().contains(QStringLiteral("cpu: ")));
}

void TestSettingsPanel::aDeviceThisMachineLacksIsFlaggedOnOpen()
{
    QTemporaryDir dir;
    const QString path = writeSpiralVariant(dir.filePath(QStringLiteral("gpu.lepton")), [](nlohmann::json& project) {
        project["training"]["device"] = "cuda:999";
    });
    MainWindow window;
    QVERIFY(window.files()->openProject(path));
    TrainingSettingsPanel* panel = window.trainingSettings();
    const QString expected = QString::fromStdString(deviceProblem("cuda:999"));
    QVERIFY(expected.startsWith(QStringLiteral("device 'cuda:999' ")));
    QTRY_COMPARE(panel->message(), expected); // once the devices are listed
    QCOMPARE(panel->editor("device")->problem(), expected);
}

void TestSettingsPanel::invalidValuesAreRefused()
{
    MainWindow window;
    GraphDocument* document = window.document();
    TrainingSettingsPanel* panel = window.trainingSettings();
    auto* device = panel->editor("device")->findChild<QLineEdit*>();
    device->setText(QStringLiteral("tpu"));
    Q_EMIT device->editingFinished();
    QCOMPARE(document->project().training.device, std::string("cpu"));
    QCOMPARE(document->undoStack()->count(), 0);
    QCOMPARE(panel->message(), QStringLiteral("unknown device 'tpu' (expected cpu, cuda or cuda:N)"));

    device->setText(QStringLiteral("cuda:1"));
    Q_EMIT device->editingFinished();
    QCOMPARE(document->project().training.device, std::string("cuda:1"));
    QCOMPARE(panel->message(), QString());
}

QTEST_MAIN(TestSettingsPanel)
#include "tst_settingspanel.moc"
