#pragma once

#include <QDialog>
#include <QString>

class QListWidget;

namespace lepton {

// File > New from Template: every template of resources/templates as a
// picture of its network with its title and a line on what it is for.
class TemplateGallery : public QDialog {
    Q_OBJECT

public:
    explicit TemplateGallery(QWidget* parent = nullptr);

    // Resource path of the chosen template (":/templates/lenet5.lepton"),
    // empty until one is chosen.
    QString chosenTemplate() const;

private:
    QListWidget* m_list;
};

} // namespace lepton
