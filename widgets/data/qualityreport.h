#pragma once

#include "data/dataprofile.h"

#include <QWidget>

#include <vector>

class QVBoxLayout;

namespace lepton {

// The problems a DataProfile found, one a line; an issue the workbench can
// fix itself has a button that asks for its fix.
class QualityReport : public QWidget {
    Q_OBJECT

public:
    explicit QualityReport(QWidget* parent = nullptr);

    void setIssues(const std::vector<QualityIssue>& issues);

Q_SIGNALS:
    void fixRequested(const lepton::QualityIssue& issue);

private:
    QWidget* issueRow(const QualityIssue& issue);

    QVBoxLayout* m_rows;
};

} // namespace lepton
