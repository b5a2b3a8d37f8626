#include "data/qualityreport.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QVBoxLayout>

namespace lepton {

QualityReport::QualityReport(QWidget* parent)
    : QWidget(parent)
{
    auto* content = new QWidget;
    m_rows = new QVBoxLayout(content);
    m_rows->setContentsMargins(6, 6, 6, 6);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    setIssues({});
}

void QualityReport::setIssues(const std::vector<QualityIssue>& issues)
{
    while (QLayoutItem* item = m_rows->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (issues.empty()) {
        auto* none = new QLabel(tr("No problems found."));
        none->setObjectName(QStringLiteral("noIssues"));
        m_rows->addWidget(none);
    }
    for (const QualityIssue& issue : issues)
        m_rows->addWidget(issueRow(issue));
    m_rows->addStretch(1);
}

QWidget* QualityReport::issueRow(const QualityIssue& issue)
{
    auto* row = new QWidget;
    auto* icon = new QLabel(row);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
    auto* message = new QLabel(QString::fromStdString(issue.message), row);
    message->setWordWrap(true);
    message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addWidget(message, 1);
    if (!issue.fix.is_null()) {
        const QString label = issue.fixLabel.empty() ? tr("Fix") : QString::fromStdString(issue.fixLabel);
        auto* fix = new QPushButton(label, row);
        fix->setObjectName(QStringLiteral("fix"));
        fix->setToolTip(tr("Changes the source's settings to %1 (undoable)")
                            .arg(QString::fromStdString(issue.fix.dump())));
        connect(fix, &QPushButton::clicked, this, [this, issue] { Q_EMIT fixRequested(issue); });
        layout->addWidget(fix, 0, Qt::AlignTop);
    }
    return row;
}

} // namespace lepton
