#include "data/columnstatsmodel.h"

#include <QLocale>

#include <cmath>

namespace lepton {

namespace {

enum Column { Name, Kind, Min, Max, Mean, Std, Missing, ColumnCount };

// Blank where a statistic does not apply (NaN: categorical, text).
QString statistic(double value)
{
    return std::isfinite(value) ? QString::number(value, 'g', 4) : QString();
}

} // namespace

ColumnStatsModel::ColumnStatsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ColumnStatsModel::setColumns(std::vector<ColumnStats> columns)
{
    beginResetModel();
    m_columns = std::move(columns);
    endResetModel();
}

int ColumnStatsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

int ColumnStatsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ColumnStatsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const ColumnStats& stats = m_columns[size_t(index.row())];
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Min ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return QString::fromStdString(stats.name);
    case Kind: return QString::fromStdString(stats.kind);
    case Min: return statistic(stats.min);
    case Max: return statistic(stats.max);
    case Mean: return statistic(stats.mean);
    case Std: return statistic(stats.std);
    case Missing: return QLocale().toString(qlonglong(stats.missing));
    default: return {};
    }
}

QVariant ColumnStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    const QString names[ColumnCount] = {tr("column"), tr("kind"), tr("min"), tr("max"),
                                        tr("mean"), tr("std"), tr("missing")};
    return section >= 0 && section < ColumnCount ? names[section] : QVariant();
}

} // namespace lepton
