#pragma once

// Runs the real `lepton` executable; tests using this define LEPTON_CLI.
#include <QDebug>
#include <QProcess>
#include <QString>
#include <QStringList>

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

inline CliResult runCli(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(LEPTON_CLI), arguments);
    if (!process.waitForFinished(5 * 60 * 1000))
        qWarning() << "lepton did not finish:" << arguments;
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}
