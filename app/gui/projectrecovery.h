#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QWidget;

namespace lepton {

class GraphDocument;

// Keeps unsaved edits safe from a crash or a kill: while the project has
// unsaved changes they are written to a recovery file beside it
// (".NAME.lepton.recovery") every minute and before each run. A save, or
// choosing to discard the changes, removes the file (forget()); opening a project that
// has one newer than itself offers to bring the edits back. Projects never
// saved have no folder yet and are not covered.
class ProjectRecovery : public QObject {
    Q_OBJECT

public:
    ProjectRecovery(GraphDocument* document, QWidget* window);

    static QString recoveryPathFor(const QString& projectPath);

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

Q_SIGNALS:
    void problem(const QString& message);

private:
    void recover(const QString& recoveryPath);

    GraphDocument* m_document;
    QWidget* m_window;
    QTimer m_timer;
};

} // namespace lepton
