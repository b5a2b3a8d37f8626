#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QWidget;

namespace lepton {

class GraphDocument;

// Keeps unsaved edits safe from a crash or a kill: while the project has
// unsaved changes they are written to a recovery file every minute and
// before each run: beside the project (".NAME.lepton.recovery"), or for a
// project never saved, in the user's data folder ("untitled-PID.lepton").
// A save, or choosing to discard the changes, removes the file (forget());
// opening a project that has one newer than itself, or starting without a
// project while a workbench that is gone left an untitled one, offers to
// bring the edits back.
class ProjectRecovery : public QObject {
    Q_OBJECT

public:
    ProjectRecovery(GraphDocument* document, QWidget* window);

    static QString recoveryPathFor(const QString& projectPath);
    // Where untitled projects' recovery files go.
    static QString untitledFolder();

    // Every minute by default.
    void setInterval(int milliseconds) { m_timer.setInterval(milliseconds); }
    // Writes the unsaved edits now; nothing when there are none.
    void saveNow();
    // The recovery file is no longer needed: the project was saved, or its
    // unsaved edits were thrown away on purpose.
    void forget();
    // Asks, without blocking, whether to recover the edits a recovery file
    // beside the just-opened project holds.
    void offerRecovery();
    // The same for an untitled project a workbench no longer running left;
    // only while this one holds an untouched untitled project.
    void offerUntitledRecovery();

Q_SIGNALS:
    void problem(const QString& message);

private:
    static QString ownUntitledPath(); // this workbench's untitled file
    QString currentRecoveryPath() const;
    void offer(const QString& recoveryPath, const QString& question);
    bool recover(const QString& recoveryPath);

    GraphDocument* m_document;
    QWidget* m_window;
    QTimer m_timer;
};

} // namespace lepton
