#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

class QLockFile;
class QWidget;

namespace lepton {

class GraphDocument;

// Keeps unsaved edits safe from a crash or a kill: while the project has
// unsaved changes they are written to a recovery file every minute and
// before each run: beside the project (".NAME.lepton.recovery"), or for a
// project never saved, in the user's data folder ("untitled-PID-TIME.lepton",
// with a lock file that says whether its workbench still runs). A save,
// choosing to discard the changes or undoing them all removes the file;
// opening a project that has one newer than itself, or starting without a
// project while a workbench that is gone left an untitled one, offers to
// bring the edits back.
class ProjectRecovery : public QObject {
    Q_OBJECT

public:
    ProjectRecovery(GraphDocument* document, QWidget* window);
    ~ProjectRecovery() override;

    static QString recoveryPathFor(const QString& projectPath);
    // Where untitled projects' recovery files go.
    static QString untitledFolder();

    // Every minute by default.
    void setInterval(int milliseconds) { m_timer.setInterval(milliseconds); }
    // Writes the unsaved edits now; with none (all undone) the recovery
    // file this workbench wrote goes.
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
    QString currentRecoveryPath() const;
    void offer(const QString& recoveryPath, const QString& question);
    bool recover(const QString& recoveryPath);

    GraphDocument* m_document;
    QWidget* m_window;
    QTimer m_timer;
    bool m_kept = false;            // a recovery file of this workbench's is on disk
    const QString m_untitledPath;   // this workbench's, for untitled projects
    std::unique_ptr<QLockFile> m_untitledLock; // held while this workbench runs
    std::unique_ptr<QLockFile> m_claim; // on a gone workbench's file while it is offered
};

} // namespace lepton
