#pragma once

#include <QDialog>

class QMenuBar;
class QTreeWidget;

namespace lepton {

// Help > Keyboard Shortcuts: every action in the menus that has a key, under
// its menu's name, then the canvas's mouse and key gestures that no menu
// holds. Read from the menus themselves, so it never falls out of date.
class ShortcutsDialog : public QDialog {
    Q_OBJECT

public:
    explicit ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);

    // One "Section\tCommand\tKeys" line per row, for tests.
    QStringList rows() const;

private:
    QTreeWidget* m_list;
};

} // namespace lepton
