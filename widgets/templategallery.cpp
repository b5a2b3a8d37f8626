#include "templategallery.h"

#include "graph/layerregistry.h"
#include "graphthumbnail.h"
#include "project/project.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace lepton {

namespace {

constexpr int kPathRole = Qt::UserRole;

nlohmann::json readResourceJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
}

} // namespace

TemplateGallery::TemplateGallery(QWidget* parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
{
    setWindowTitle(tr("New from Template"));
    m_list->setObjectName(QStringLiteral("templateList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(220, 110));
    m_list->setGridSize(QSize(250, 200));
    m_list->setWordWrap(true);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setSpacing(6);

    const nlohmann::json index = readResourceJson(QStringLiteral(":/templates/index.json"));
    for (const nlohmann::json& entry : index.is_array() ? index : nlohmann::json::array()) {
        const QString path = QStringLiteral(":/templates/")
            + QString::fromStdString(entry.value("file", std::string()));
        const nlohmann::json project = readResourceJson(path);
        QPixmap picture;
        try {
            picture = graphThumbnail(projectFromJson(project, LayerRegistry::builtin()).graph,
                                     m_list->iconSize());
        } catch (const std::exception&) {
            continue; // a template that does not load is not offered
        }
        const QString title = QString::fromStdString(entry.value("title", std::string()));
        const QString line = QString::fromStdString(entry.value("description", std::string()));
        auto* item = new QListWidgetItem(QIcon(picture), title + QLatin1Char('\n') + line, m_list);
        item->setToolTip(line);
        item->setData(kPathRole, path);
    }
    m_list->setCurrentRow(0);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::itemActivated, this, &QDialog::accept);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Start from a network that already trains:"), this));
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(820, 560);
}

QString TemplateGallery::chosenTemplate() const
{
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kPathRole).toString() : QString();
}

} // namespace lepton
