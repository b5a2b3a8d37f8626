#pragma once

#include <QFutureWatcher>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace lepton {

struct PredictionRun;

// The Predict panel: predictions of the project's trained network (the last
// or best checkpoint) for files chosen or dragged in (images, CSV rows, NPY
// arrays), made as the training data was (stored encoding and
// normalization), with each input's likeliest classes or values. Predicts
// on a worker thread.
class PredictPanel : public QWidget {
    Q_OBJECT

public:
    explicit PredictPanel(QWidget* parent = nullptr);
    ~PredictPanel() override;

    // The saved project whose checkpoints predict; empty: none yet.
    void setProjectPath(const QString& path);
    void predict(const QStringList& files);
    bool isPredicting() const;
    QTableWidget* table() const { return m_table; }
    QString statusText() const;

Q_SIGNALS:
    void predictionsShown(bool succeeded);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void chooseFiles();
    void show(const PredictionRun& run);

    QString m_projectPath;
    QComboBox* m_checkpoint;
    QPushButton* m_choose;
    QLabel* m_status;
    QTableWidget* m_table;
    QFutureWatcher<void> m_watcher;
    QStringList m_files;
    std::shared_ptr<PredictionRun> m_run;
    QString m_error;
};

} // namespace lepton
