// `lepton export` and `lepton predict` on trained projects, each export
// checked by other software: PyTorch in Python, the ONNX checker, the
// package's own predict.py and train.py (alone and under torchrun).
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "common/clitestutil.h"
#include "common/npytestutil.h"

#include <cmath>

class CliExportTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Every format from the last checkpoint, checked by PyTorch in Python:
    // the TorchScript file, the package and the state_dict agree, and the
    // metadata carries what predictions elsewhere need.
    void exportWritesEveryFormatFromTheLastCheckpoint()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "spiral.lepton", [](QJsonObject& p) {
            setValue(p, {"dataset", "preprocessing", "normalize"}, "standardize");
        });
        QVERIFY(runCli({"train", project, "--epochs", "2"}).exitCode == 0);
        const QString out = dir.filePath("exported");
        const CliResult result = runCli({"export", project, "--out", out, "--json"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        const QJsonArray files = QJsonDocument::fromJson(result.out.toUtf8()).object()["files"].toArray();
        for (const char* name : {"spiral.torchscript.pt", "spiral.onnx", "spiral.weights.pt", "spiral.metadata.json",
                                 "spiral_pytorch/model.py", "spiral_pytorch/weights.pt", "spiral_pytorch/metadata.json"}) {
            QVERIFY2(files.contains(out + "/" + name), name);
            QVERIFY2(QFile::exists(out + "/" + name), name);
        }
        QVERIFY2(result.err.contains("checking the TorchScript file against the workbench"), qPrintable(result.err));

        QProcess python;
        python.start("/usr/bin/python3", {LEPTON_SOURCE_DIR "/tests/export/compare_export.py", out, "spiral"});
        QVERIFY(python.waitForFinished(2 * 60 * 1000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const QJsonObject check = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
        QVERIFY2(check["package_difference"].toDouble() <= 1e-5, qPrintable(QString::number(check["package_difference"].toDouble())));
        QVERIFY2(check["weights_difference"].toDouble() <= 1e-5, qPrintable(QString::number(check["weights_difference"].toDouble())));
        QCOMPARE(check["output_shape"].toArray(), QJsonArray({3}));
        QCOMPARE(check["class_names"].toArray().size(), 3);
        QCOMPARE(check["normalization"].toString(), QStringLiteral("standardize"));
        QCOMPARE(check["epochs_done"].toInt(), 2);
        QVERIFY(check["has_validation_loss"].toBool());
        QCOMPARE(check["run_id"].toInt(), 1); // the run in the project's history that wrote the checkpoint

        // The package's predict.py makes samples as `lepton predict` does and
        // agrees with it; its train.py trains again, alone and under torchrun.
        const QString package = out + "/spiral_pytorch";
        const std::vector<float> points = {0.5f, 0.1f, -0.3f, 0.8f, 0.9f, -0.9f};
        const QString array = dir.filePath("points.npy");
        lepton::testing::writeNpy(array, "<f4", {3, 2}, points.data(), points.size() * sizeof(float));
        const CliResult lepton = runCli({"predict", project, array});
        QVERIFY2(lepton.exitCode == 0, qPrintable(lepton.err));
        const auto runPython = [&](const QString& program, const QStringList& arguments) {
            QProcess process;
            process.setWorkingDirectory(package);
            process.start(program, arguments);
            process.waitForFinished(3 * 60 * 1000);
            return CliResult{process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
        };
        const CliResult predicted = runPython("/usr/bin/python3", {"predict.py", array});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        for (const QString& line : predicted.out.trimmed().split('\n'))
            QVERIFY2(lepton.out.simplified().contains(line.simplified()), qPrintable(line + " not in\n" + lepton.out));
        const CliResult trained = runPython("/usr/bin/python3", {"train.py", "--epochs", "1"});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.err));
        QVERIFY2(trained.out.contains(QRegularExpression("epoch 1/1  train loss [0-9.]+  validation loss [0-9.]+  accuracy")),
                 qPrintable(trained.out));
        QVERIFY(QFile::exists(package + "/trained_weights.pt"));
        const QString torchrun = QStandardPaths::findExecutable("torchrun");
        QVERIFY2(!torchrun.isEmpty(), "torchrun (python3-torch) is missing");
        // --redirects/--tee 1: Debian's torchrun fails on its default of 0 under Python 3.11.
        const CliResult distributed = runPython(torchrun, {"--nproc_per_node", "2", "--redirects", "1", "--tee", "1",
                                                           "train.py", "--epochs", "1"});
        QVERIFY2(distributed.exitCode == 0, qPrintable(distributed.err + distributed.out));
        QVERIFY2(distributed.out.contains("epoch 1/1"), qPrintable(distributed.out));
    }

    // The package's train.py augments image batches as the project says: with
    // the project's augmentation its seeded run trains on other batches than
    // with none.
    void packageTrainsWithTheProjectsAugmentation()
    {
        QTemporaryDir dir;
        const QString path = writeExample(dir, "shapes.lepton", "shapes-cnn", [](QJsonObject& project) {
            setValue(project, {"dataset", "params", "folder"}, LEPTON_SOURCE_DIR "/projects/data/shapes");
            setValue(project, {"dataset", "augmentation", "flip"}, "horizontal");
            setValue(project, {"dataset", "augmentation", "rotation"}, 15.0);
            setValue(project, {"dataset", "augmentation", "erasing"}, 0.5);
        });
        QVERIFY(runCli({"train", path, "--epochs", "1"}).exitCode == 0);
        QVERIFY(runCli({"export", path, "--format", "pytorch", "--out", dir.path()}).exitCode == 0);
        const QString package = dir.filePath("shapes_pytorch");
        const auto firstLoss = [&] {
            QProcess python;
            python.setWorkingDirectory(package);
            python.start("/usr/bin/python3", {"train.py", "--epochs", "1"});
            python.waitForFinished(3 * 60 * 1000);
            const QString out = python.readAllStandardOutput();
            const QRegularExpressionMatch loss = QRegularExpression("epoch 1/1  train loss ([0-9.]+)").match(out);
            return loss.hasMatch() ? loss.captured(1) : "failed: " + out + python.readAllStandardError();
        };
        const QString augmented = firstLoss();
        QVERIFY2(!augmented.startsWith("failed"), qPrintable(augmented));
        QFile metadata(package + "/metadata.json");
        QVERIFY(metadata.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(metadata.readAll()).object();
        metadata.close();
        setValue(json, {"dataset", "augmentation"}, QJsonObject{});
        QVERIFY(metadata.open(QIODevice::WriteOnly | QIODevice::Truncate));
        metadata.write(QJsonDocument(json).toJson());
        metadata.close();
        const QString plain = firstLoss();
        QVERIFY2(!plain.startsWith("failed"), qPrintable(plain));
        QVERIFY2(augmented != plain, qPrintable(augmented + " twice"));
    }

    // Images and the same pixels as a uint8 NPY batch predict alike (bytes
    // are read as byte / 255, as in training), in `lepton predict` and in the
    // package's predict.py.
    void predictReadsImagesAndByteArraysAlike()
    {
        QTemporaryDir dir;
        const QString path = writeExample(dir, "shapes.lepton", "shapes-cnn", [](QJsonObject& project) {
            setValue(project, {"dataset", "params", "folder"}, LEPTON_SOURCE_DIR "/projects/data/shapes");
        });
        QVERIFY(runCli({"train", path, "--epochs", "2"}).exitCode == 0);
        const QStringList images = {LEPTON_SOURCE_DIR "/projects/data/shapes/circle/circle-004.png",
                                    LEPTON_SOURCE_DIR "/projects/data/shapes/square/square-010.png",
                                    LEPTON_SOURCE_DIR "/projects/data/shapes/triangle/triangle-020.png"};
        std::vector<uint8_t> pixels; // [3, 3, 32, 32], channels first
        for (const QString& image : images) {
            const QImage rgb = QImage(image).convertToFormat(QImage::Format_RGB888);
            QCOMPARE(rgb.size(), QSize(32, 32));
            for (int channel = 0; channel < 3; ++channel)
                for (int y = 0; y < 32; ++y)
                    for (int x = 0; x < 32; ++x)
                        pixels.push_back(uint8_t(rgb.constScanLine(y)[3 * x + channel]));
        }
        const QString array = dir.filePath("pixels.npy");
        lepton::testing::writeNpy(array, "|u1", {3, 3, 32, 32}, pixels.data(), pixels.size());

        const CliResult fromImages = runCli(QStringList{"predict", path, "--json"} + images);
        const CliResult fromArray = runCli({"predict", path, array, "--json"});
        QVERIFY2(fromImages.exitCode == 0, qPrintable(fromImages.err));
        QVERIFY2(fromArray.exitCode == 0, qPrintable(fromArray.err));
        const QJsonArray a = QJsonDocument::fromJson(fromImages.out.toUtf8()).array();
        const QJsonArray b = QJsonDocument::fromJson(fromArray.out.toUtf8()).array();
        QCOMPARE(a.size(), 3);
        QCOMPARE(b.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(a[i].toObject()["class"], b[i].toObject()["class"]);
            const double p = a[i].toObject()["top"].toArray()[0].toObject()["probability"].toDouble();
            const double q = b[i].toObject()["top"].toArray()[0].toObject()["probability"].toDouble();
            QVERIFY2(std::abs(p - q) <= 1e-5, qPrintable(QString("%1 against %2").arg(p).arg(q)));
        }

        QVERIFY(runCli({"export", path, "--format", "pytorch", "--out", dir.path()}).exitCode == 0);
        QProcess python;
        python.setWorkingDirectory(dir.filePath("shapes_pytorch"));
        python.start("/usr/bin/python3", {"predict.py", array});
        QVERIFY(python.waitForFinished(2 * 60 * 1000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const QString lines = python.readAllStandardOutput();
        const CliResult text = runCli({"predict", path, array});
        for (const QString& line : lines.trimmed().split('\n'))
            QVERIFY2(text.out.simplified().contains(line.simplified()), qPrintable(line + " not in\n" + text.out));
    }

    // --half stores float16 weights in every format, about half the size,
    // and reports what the rounding changes on the validation samples.
    void exportHalfPrecisionReportsTheChange()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "spiral.lepton", [](QJsonObject&) {});
        QVERIFY(runCli({"train", project, "--epochs", "2"}).exitCode == 0);
        const QString full = dir.filePath("full");
        const QString half = dir.filePath("half");
        QVERIFY(runCli({"export", project, "--out", full}).exitCode == 0);
        const CliResult result = runCli({"export", project, "--half", "--out", half});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains(QRegularExpression(
                     "half precision: validation accuracy [0-9.]+% -> [0-9.]+% \\([-+][0-9.]+ points\\), "
                     "loss [0-9.]+ -> [0-9.]+ on 600 samples")),
                 qPrintable(result.out));
        const double fullBytes = QFileInfo(full + "/spiral.weights.pt").size();
        const double halfBytes = QFileInfo(half + "/spiral-fp16.weights.pt").size();
        QVERIFY2(halfBytes < 0.65 * fullBytes, qPrintable(QString("%1 against %2").arg(halfBytes).arg(fullBytes)));

        QProcess python;
        python.start("/usr/bin/python3", {LEPTON_SOURCE_DIR "/tests/export/compare_export.py", half, "spiral-fp16",
                                          full + "/spiral.torchscript.pt"});
        QVERIFY(python.waitForFinished(2 * 60 * 1000));
        QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
        const QJsonObject check = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
        QCOMPARE(check["weights_dtype"].toString(), QStringLiteral("torch.float16"));
        QCOMPARE(check["precision"].toObject()["weights"].toString(), QStringLiteral("float16"));
        QVERIFY(check["package_difference"].toDouble() <= 1e-5);
        // Rounding moves the outputs a little, never a lot.
        const double moved = check["reference_difference"].toDouble();
        QVERIFY2(moved > 0 && moved < 1e-2, qPrintable(QString::number(moved)));
    }

    // Table rows are encoded as the training rows were (columns by name,
    // categories one-hot, the fitted normalization): predictions on the data
    // score about as well as the run did, and rows that do not fit are named.
    void predictReadsTableRowsAsTrainingDid()
    {
        QTemporaryDir dir;
        const QString table = LEPTON_SOURCE_DIR "/projects/data/machines.csv";
        const QString path = writeExample(dir, "machines.lepton", "machine-health", [&](QJsonObject& project) {
            setValue(project, {"dataset", "params", "path"}, table);
        });
        const CliResult trained = runCli({"train", path, "--epochs", "4", "--json"});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.err));
        const double testAccuracy = QJsonDocument::fromJson(trained.out.toUtf8()).object()["test_accuracy"].toDouble();

        const CliResult predicted = runCli({"predict", path, table, "--json", "--top", "1"});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        const QJsonArray predictions = QJsonDocument::fromJson(predicted.out.toUtf8()).array();
        QFile rows(table);
        QVERIFY(rows.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = rows.readAll().trimmed().split('\n');
        // Rows with an empty cell were left out of training too (missing: drop).
        const int skipped = predicted.err.count(QRegularExpression("^skipped machines.csv row \\d+: column '\\w+' is empty",
                                                                    QRegularExpression::MultilineOption));
        QVERIFY(skipped > 0);
        QCOMPARE(predictions.size() + skipped, lines.size() - 1);
        QMap<QString, QString> labels; // "machines.csv row 3" -> its status
        for (int i = 1; i < lines.size(); ++i)
            labels[QString("machines.csv row %1").arg(i)] = QString(lines[i].split(',').last());
        int correct = 0;
        for (const QJsonValue& prediction : predictions)
            correct += prediction.toObject()["class"].toString() == labels[prediction.toObject()["input"].toString()];
        const double accuracy = double(correct) / predictions.size();
        QVERIFY2(accuracy > testAccuracy - 0.1, qPrintable(QString("%1 against %2").arg(accuracy).arg(testAccuracy)));

        const QString withoutPressure = dir.filePath("no-pressure.csv");
        QFile partial(withoutPressure);
        QVERIFY(partial.open(QIODevice::WriteOnly));
        partial.write("temperature,vibration,hours,machine_type,shift\n82.2,5.71,18957,fan,day\n");
        partial.close();
        CliResult refused = runCli({"predict", path, withoutPressure});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains(withoutPressure + ": no column 'pressure', which the model reads"), qPrintable(refused.err));
        const QString unknownType = dir.filePath("boat.csv");
        QFile boat(unknownType);
        QVERIFY(boat.open(QIODevice::WriteOnly));
        boat.write("temperature,vibration,pressure,hours,machine_type,shift\n82.2,5.71,4.79,18957,boat,day\n");
        boat.close();
        refused = runCli({"predict", path, unknownType});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains("boat.csv row 1: column 'machine_type' holds 'boat', which training never saw"),
                 qPrintable(refused.err));
    }

    // The project and its exported TorchScript file predict alike from NPY
    // arrays; data of the wrong kind is refused by name.
    void predictAgreesBetweenProjectAndTorchScript()
    {
        QTemporaryDir dir;
        const QString project = writeVariant(dir, "spiral.lepton", [](QJsonObject& p) {
            setValue(p, {"dataset", "preprocessing", "normalize"}, "standardize");
        });
        QVERIFY(runCli({"train", project, "--epochs", "1"}).exitCode == 0);
        QVERIFY(runCli({"export", project, "--format", "torchscript", "--out", dir.path()}).exitCode == 0);
        const std::vector<float> points = {0.5f, 0.1f, -0.3f, 0.8f, 0.0f, 0.0f, 0.9f, -0.9f, -0.5f, -0.2f};
        const QString array = dir.filePath("points.npy");
        lepton::testing::writeNpy(array, "<f4", {5, 2}, points.data(), points.size() * sizeof(float));

        const CliResult fromProject = runCli({"predict", project, array, "--json"});
        const CliResult fromScript = runCli({"predict", dir.filePath("spiral.torchscript.pt"), array, "--json"});
        QVERIFY2(fromProject.exitCode == 0, qPrintable(fromProject.err));
        QVERIFY2(fromScript.exitCode == 0, qPrintable(fromScript.err));
        const QJsonArray a = QJsonDocument::fromJson(fromProject.out.toUtf8()).array();
        const QJsonArray b = QJsonDocument::fromJson(fromScript.out.toUtf8()).array();
        QCOMPARE(a.size(), 5);
        QCOMPARE(b.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(a[i].toObject()["input"].toString(), QString("points.npy [%1]").arg(i));
            QCOMPARE(a[i].toObject()["class"], b[i].toObject()["class"]);
            const double p = a[i].toObject()["top"].toArray()[0].toObject()["probability"].toDouble();
            const double q = b[i].toObject()["top"].toArray()[0].toObject()["probability"].toDouble();
            QVERIFY(std::abs(p - q) <= 1e-5);
        }
        const CliResult table = runCli({"predict", project, LEPTON_SOURCE_DIR "/projects/data/machines.csv"});
        QVERIFY(table.exitCode != 0);
        QVERIFY2(table.err.contains("the model was not trained on table columns"), qPrintable(table.err));
    }
};

QTEST_GUILESS_MAIN(CliExportTest)
#include "tst_cliexport.moc"
