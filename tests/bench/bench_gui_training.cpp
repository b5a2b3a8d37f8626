// The workbench's training speed against the CLI's: opens a project in the
// real main window (shown, its dashboard plotting live), waits for the Data
// panel's preview as a person looking at the project would, presses Train
// and prints the run's samples/s, then runs `lepton train` on the same
// project. LEPTON_TRAIN_AT_ONCE=1 presses Train as the project opens, so the
// preview's one-off load (in the background) overlaps the run.
//
//   xvfb-run -a build/bin/bench_gui_training projects/fashion-mnist-cnn.lepton [EPOCHS]
#include "data/datapanel.h"
#include "mainwindow.h"
#include "projectfiles.h"
#include "trainingsession.h"

#include <QAction>
#include <QApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

using namespace lepton;

namespace {

double cliSamplesPerSecond(const std::string& project, const std::string& epochs)
{
    const std::string command = std::string(LEPTON_CLI) + " train " + project + " --epochs " + epochs + " --json 2>/dev/null";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::string output;
    std::array<char, 4096> chunk{};
    while (pipe && fread(chunk.data(), 1, chunk.size(), pipe.get()) > 0)
        output += chunk.data();
    const nlohmann::json summary = nlohmann::json::parse(output, nullptr, false);
    return summary.is_object() ? summary.value("samples_per_second", 0.0) : 0.0;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::cerr << "usage: bench_gui_training PROJECT [EPOCHS]\n";
        return 2;
    }
    const QString epochs = argc > 2 ? QString(argv[2]) : QStringLiteral("1");
    // A copy, so the project's own checkpoints and settings stay as they are.
    QTemporaryDir dir;
    const QString project = dir.filePath("bench.lepton");
    {
        QFile original(argv[1]);
        if (!original.open(QIODevice::ReadOnly))
            return 1;
        nlohmann::json json = nlohmann::json::parse(original.readAll().toStdString());
        json["training"]["epochs"] = epochs.toInt();
        QFile copy(project);
        if (!copy.open(QIODevice::WriteOnly))
            return 1;
        copy.write(QByteArray::fromStdString(json.dump(2)));
    }

    MainWindow window;
    window.resize(1400, 900);
    window.show();
    if (!window.files()->openProject(project))
        return 1;
    auto* session = window.findChild<TrainingSession*>();
    double guiRate = 0.0;
    QObject::connect(session, &TrainingSession::finished, &app, [&](const TrainingSummary& summary) {
        guiRate = summary.samplesPerSecond;
        app.quit();
    });
    if (!qEnvironmentVariableIsSet("LEPTON_TRAIN_AT_ONCE")) {
        const DataPreviewLoader* preview = window.findChild<DataPanel*>()->loader();
        QTimer poll;
        QEventLoop settled;
        const QDeadlineTimer giveUp(std::chrono::minutes(5));
        QObject::connect(&poll, &QTimer::timeout, &settled, [&] {
            if (!preview->isBusy() || giveUp.hasExpired())
                settled.quit();
        });
        poll.start(50);
        settled.exec();
        if (preview->isBusy()) {
            std::cerr << "the Data preview was still loading after five minutes\n";
            return 1;
        }
    }
    window.findChild<QAction*>("actionTrain")->trigger();
    app.exec();

    const double cliRate = cliSamplesPerSecond(project.toStdString(), epochs.toStdString());
    std::cout << "workbench " << static_cast<long>(guiRate) << " samples/s, lepton train "
              << static_cast<long>(cliRate) << " samples/s: the workbench is at "
              << (cliRate > 0 ? 100.0 * guiRate / cliRate : 0.0) << "% of the CLI\n";
    return guiRate > 0 && cliRate > 0 ? 0 : 1;
}
