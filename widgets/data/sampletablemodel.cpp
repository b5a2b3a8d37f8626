#include "data/sampletablemodel.h"

#include <QStringList>

#include <algorithm>

namespace lepton {

namespace {

QString number(float value)
{
    return QString::number(value, 'g', 5);
}

} // namespace

SampleTableModel::SampleTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SampleTableModel::setDataset(std::shared_ptr<const Dataset> dataset)
{
    beginResetModel();
    m_dataset = std::move(dataset);
    endResetModel();
}

int SampleTableModel::rowCount(const QModelIndex& parent) const
{
    // QAbstractItemModel counts in int: past that, the first 2^31 - 1 rows.
    return parent.isValid() || !m_dataset ? 0 : int(std::min<int64_t>(m_dataset->size(), INT_MAX));
}

int SampleTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_dataset)
        return 0;
    return 1 + int(std::min<int64_t>(m_dataset->featuresPerSample(), kMaxFeatureColumns));
}

QVariant SampleTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_dataset || !index.isValid())
        return {};
    if (role == Qt::TextAlignmentRole)
        return index.column() == 0 ? QVariant() : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const int64_t row = index.row();
    if (index.column() == 0)
        return labelText(row);
    const int64_t at = row * m_dataset->featuresPerSample() + index.column() - 1;
    const float value = m_dataset->feature(at);
    return m_dataset->featureDType == DType::Int64 ? QString::number(qint64(value)) : number(value);
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || !m_dataset)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Vertical)
        return section; // sample numbers count from 0, as everywhere else
    if (section == 0)
        return m_dataset->task == TaskType::Classification ? tr("label") : tr("target");
    return QStringLiteral("x%1").arg(section - 1);
}

QString SampleTableModel::labelText(int64_t row) const
{
    const Dataset& data = *m_dataset;
    if (data.task == TaskType::Classification) {
        const int64_t label = data.labels[size_t(row)];
        return label >= 0 && label < int64_t(data.classNames.size()) ? QString::fromStdString(data.classNames[size_t(label)])
                                                       : QString::number(label);
    }
    // Regression: the first few target values of the sample.
    const int64_t width = shapeElementCount(data.targetShape);
    QStringList values;
    for (int64_t i = 0; i < std::min<int64_t>(width, 4); ++i)
        values << number(data.targets[size_t(row * width + i)]);
    if (width > 4)
        values << QStringLiteral("\u2026");
    return values.join(QStringLiteral(", "));
}

} // namespace lepton
