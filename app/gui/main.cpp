#include "mainwindow.h"
#include "projectfiles.h"
#include "projectrecovery.h"
#include "trainingactions.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Lepton"));
    QApplication::setApplicationName(QStringLiteral("Lepton Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(LEPTON_VERSION));
    QApplication::setStyle(QStringLiteral("Fusion"));

    QIcon icon;
    for (int size : {16, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/lepton-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Design, train and inspect neural networks."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A .lepton project to open."),
                                 QStringLiteral("[PROJECT]"));
    const QCommandLineOption trainOption(QStringLiteral("train"),
                                         QStringLiteral("Start training as soon as the project is open."));
    parser.addOption(trainOption);
    parser.process(app);

    lepton::MainWindow window;
    window.restoreLayout();
    const QStringList arguments = parser.positionalArguments();
    window.show();
    if (!arguments.isEmpty())
        window.files()->openProject(arguments.front());
    else
        window.files()->recovery()->offerUntitledRecovery();
    if (parser.isSet(trainOption))
        QTimer::singleShot(0, window.trainingActions()->train(), &QAction::trigger);
    return app.exec();
}
