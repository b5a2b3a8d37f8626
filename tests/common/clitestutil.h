#pragma once

// Runs the real `lepton` executable; tests using this define LEPTON_CLI.
#include <QDebug>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <functional>

#include <csignal>
#include <sys/types.h>

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

// The example projects, edited and written elsewhere.
inline QString exampleProject(const char* name)
{
    return QStringLiteral(LEPTON_SOURCE_DIR "/projects/%1.lepton").arg(QLatin1String(name));
}

inline QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Sets the value at `path` ({"dataset", "params", "samples"}) in a project object.
inline void setValue(QJsonObject& object, QStringList path, const QJsonValue& value)
{
    const QString key = path.takeFirst();
    if (path.isEmpty()) {
        object[key] = value;
        return;
    }
    QJsonObject inner = object[key].toObject();
    setValue(inner, path, value);
    object[key] = inner;
}

// Sets one field (name, type, params) of a node in a project object.
inline void setNodeValue(QJsonObject& project, int nodeIndex, const QString& key, const QJsonValue& value)
{
    QJsonObject graph = project["graph"].toObject();
    QJsonArray nodes = graph["nodes"].toArray();
    QJsonObject node = nodes[nodeIndex].toObject();
    node[key] = value;
    nodes[nodeIndex] = node;
    graph["nodes"] = nodes;
    project["graph"] = graph;
}

inline void setNodeParams(QJsonObject& project, int nodeIndex, const QJsonObject& params)
{
    setNodeValue(project, nodeIndex, "params", params);
}

// Writes the example project `example` with `edit` applied to `name` in `dir`.
inline QString writeExample(const QTemporaryDir& dir, const QString& name, const char* example,
                            const std::function<void(QJsonObject&)>& edit)
{
    QJsonObject project = readJson(exampleProject(example));
    edit(project);
    const QString path = dir.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(QJsonDocument(project).toJson());
    return path;
}

// The spiral example with `edit` applied, written as `name` in `dir`.
inline QString writeVariant(const QTemporaryDir& dir, const QString& name,
                            const std::function<void(QJsonObject&)>& edit)
{
    return writeExample(dir, name, "spiral-mlp", edit);
}

// Runs lepton, waits for `epochLine` in its progress (stderr), then sends it
// `signal`; the progress seen and the exit code (-1 for a crash exit).
inline CliResult signalDuringRun(const QStringList& arguments, const QString& epochLine, int signal)
{
    QProcess process;
    // The progress goes to stderr (the callers pass --json): waking on it sends
    // the signal within the epoch it names, however short epochs are.
    process.setReadChannel(QProcess::StandardError);
    process.start(QStringLiteral(LEPTON_CLI), arguments);
    QString progress;
    if (!process.waitForStarted() || process.processId() <= 0)
        return CliResult{-2, QString(), QStringLiteral("lepton did not start")};
    QElapsedTimer waited;
    waited.start();
    while (!progress.contains(epochLine) && process.state() == QProcess::Running && waited.elapsed() < 5 * 60 * 1000) {
        process.waitForReadyRead(1000);
        progress += QString::fromUtf8(process.readAllStandardError());
    }
    if (process.state() == QProcess::Running)
        ::kill(pid_t(process.processId()), signal);
    process.waitForFinished(60 * 1000);
    progress += QString::fromUtf8(process.readAllStandardError());
    return CliResult{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, QString(), progress};
}
