// Broken and hostile projects given to the real `lepton`: each ends in a
// clear message naming what and where, never in a hang, a crash or a
// terminal taken over by the file's text.
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "common/clitestutil.h"

namespace {

const QString kForgedName = QStringLiteral("fc1\n\x1b[31mlepton: training finished");

} // namespace

class CliHostileTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // What a run would stop on shows in `lepton inspect` already, exit 1.
    void inspectFindsWhatWouldStopARun_data()
    {
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("expectedProblem");
        static QTemporaryDir dir;
        QTest::newRow("class-name count")
            << writeVariant(dir, "names.lepton", [](QJsonObject& p) {
                   setValue(p, {"dataset", "class_names"}, QJsonArray{"a", "b"});
               })
            << "lepton: problem: dataset: 2 class names given but the data has 3 classes";
        QTest::newRow("a GPU this machine lacks")
            << writeVariant(dir, "gpu.lepton", [](QJsonObject& p) { setValue(p, {"training", "device"}, "cuda:999"); })
            << "lepton: problem: device 'cuda:999' ";
        QTest::newRow("test images without labels")
            << writeExample(dir, "idx.lepton", "fashion-mnist-cnn", [](QJsonObject& p) {
                   QJsonObject params = p["dataset"].toObject()["params"].toObject();
                   params.remove("test_labels");
                   setValue(p, {"dataset", "params"}, params);
               })
            << "lepton: problem: dataset: IDX data needs both a test image file and a test label file, or neither";
        QTest::newRow("early stopping without a validation split")
            << writeVariant(dir, "monitor.lepton", [](QJsonObject& p) {
                   setValue(p, {"training", "early_stopping"}, true);
                   setValue(p, {"dataset", "split", "validation"}, 0);
               })
            << "lepton: problem: early stopping watches validation_loss, but the data has no validation split";
        QTest::newRow("class weights for other classes")
            << writeVariant(dir, "weights.lepton", [](QJsonObject& p) {
                   setValue(p, {"training", "class_weights"}, QJsonArray{1, 2});
               })
            << "lepton: problem: class_weights has 2 values, but dataset 'spiral' has 3 classes";
    }

    void inspectFindsWhatWouldStopARun()
    {
        QFETCH(QString, project);
        QFETCH(QString, expectedProblem);
        const CliResult result = runCli({"inspect", project});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(expectedProblem), qPrintable(result.err));
        QVERIFY2(result.out.contains(QStringLiteral("layers,")), qPrintable(result.out)); // the table still prints
    }

    // Sizes no machine can hold are refused as the project loads, naming the
    // setting, in inspect as when the workbench opens the file.
    void absurdDataSizesAreRefusedOnLoad_data()
    {
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("expected");
        static QTemporaryDir dir;
        QTest::newRow("2^62 samples")
            << writeVariant(dir, "samples.lepton", [](QJsonObject& p) {
                   setValue(p, {"dataset", "params", "samples"}, qint64(1) << 62);
               })
            << "dataset.params.samples: parameter 'samples' is too large, got 4611686018427387904";
        QTest::newRow("2^40 classes")
            << writeVariant(dir, "classes.lepton", [](QJsonObject& p) {
                   setValue(p, {"dataset", "params", "classes"}, qint64(1) << 40);
               })
            << "dataset.params.classes: parameter 'classes' is too large, got 1099511627776";
    }

    void absurdDataSizesAreRefusedOnLoad()
    {
        QFETCH(QString, project);
        QFETCH(QString, expected);
        const CliResult result = runCli({"inspect", project});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(expected), qPrintable(result.err));
    }

    void inspectOfASoundProjectReportsItsData()
    {
        const CliResult result = runCli({"inspect", exampleProject("spiral-mlp")});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains(QStringLiteral("2400 training samples, 600 for validation, 600 for test, 3 classes")),
                 qPrintable(result.out));
    }

    // A pooling window of billions would spin inside the first batch where
    // Stop cannot reach it; shape inference refuses it.
    void absurdWorkIsRefusedBeforeTraining()
    {
        QTemporaryDir dir;
        const QString pool = writeExample(dir, "pool2d.lepton", "fashion-mnist-cnn", [](QJsonObject& p) {
            setNodeParams(p, 3, {{"kernel_size", 2147483647}, {"padding", 1073741823}, {"stride", 1}});
        });
        const CliResult result = runCli({"train", pool});
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains(QStringLiteral("MaxPool2d 'pool1' kernel 2147483647 reads")), qPrintable(result.err));
        QVERIFY2(result.err.contains(QStringLiteral("beyond the 1e+11 a layer may take")), qPrintable(result.err));
    }

    // Ctrl+C while the data still loads stops as cleanly as one mid-epoch.
    void ctrlCBeforeTrainingStartsExitsCleanly()
    {
        QTemporaryDir dir;
        const QString project = writeExample(dir, "fashion.lepton", "fashion-mnist-cnn", [](QJsonObject&) {});
        const CliResult stopped = signalDuringRun({"train", project, "--json"}, QStringLiteral("recorded in"), SIGINT);
        QVERIFY2(stopped.exitCode == 130, qPrintable(QString::number(stopped.exitCode) + "\n" + stopped.err));
        QVERIFY2(stopped.err.contains(QStringLiteral("interrupted (Ctrl+C)")), qPrintable(stopped.err));
        QVERIFY2(!stopped.err.contains(QStringLiteral("epoch 1/")), qPrintable(stopped.err));
    }

    // Names, types and project names with newlines and escape sequences are
    // printed escaped: no line of output can be forged, no terminal driven.
    void textFromFilesIsShownEscaped()
    {
        QTemporaryDir dir;
        const QString evil = writeVariant(dir, "evil.lepton", [](QJsonObject& p) {
            p["name"] = QStringLiteral("evil\x1b]0;title\x07");
            setNodeValue(p, 1, "name", kForgedName);
        });
        const CliResult inspected = runCli({"inspect", evil});
        QVERIFY2(inspected.exitCode == 0, qPrintable(inspected.err));
        QVERIFY(!inspected.out.contains(QChar(0x1b)) && !inspected.out.contains(QChar(0x07)));
        QVERIFY2(inspected.out.startsWith(QStringLiteral("evil\\x1b]0;title\\x07 (")), qPrintable(inspected.out));
        QVERIFY2(inspected.out.contains(QStringLiteral("fc1\\n\\x1b[31mlepton: training finished")), qPrintable(inspected.out));

        const QString mismatch = writeVariant(dir, "mismatch.lepton", [](QJsonObject& p) {
            setNodeValue(p, 1, "name", kForgedName);
            setNodeParams(p, 1, {{"in_features", 5}, {"out_features", 64}, {"bias", true}});
        });
        const CliResult failed = runCli({"train", mismatch});
        QCOMPARE(failed.exitCode, 1);
        QCOMPARE(failed.err, QStringLiteral("lepton: training failed: Linear 'fc1\\n\\x1b[31mlepton: training finished' expects 5 "
                                            "input features, got 2\n"));

        const QString badType = writeVariant(dir, "type.lepton", [](QJsonObject& p) {
            setNodeValue(p, 1, "type", QStringLiteral("Lin\x1b[2Jear"));
        });
        const CliResult unknown = runCli({"inspect", badType});
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("unknown layer type 'Lin\\x1b[2Jear'")), qPrintable(unknown.err));
    }

    // A NUL in a path would silently shorten it: refused, naming the setting.
    void aNulInADataPathIsAnError()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "nul.lepton", [](QJsonObject& p) {
            p["dataset"] = QJsonObject{{"source", "idx"},
                                       {"params", QJsonObject{{"train_images", QString::fromUtf8("a\0b.gz", 6)},
                                                              {"train_labels", "labels.gz"}}}};
        });
        for (const char* command : {"inspect", "train"}) {
            const CliResult result = runCli({command, project});
            QCOMPARE(result.exitCode, 1);
            QVERIFY2(result.err.contains(QStringLiteral("nul.lepton: dataset.params.train_images: parameter "
                                                        "'train_images' must not contain a NUL character")),
                     qPrintable(result.err));
        }
    }
};

QTEST_GUILESS_MAIN(CliHostileTest)
#include "tst_clihostile.moc"
