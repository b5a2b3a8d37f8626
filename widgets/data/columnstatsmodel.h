#pragma once

#include "data/dataprofile.h"

#include <QAbstractTableModel>

#include <vector>

namespace lepton {

// DataProfile's column statistics, one row per column (or image channel):
// name, kind, min, max, mean, std and missing values.
class ColumnStatsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    explicit ColumnStatsModel(QObject* parent = nullptr);

    void setColumns(std::vector<ColumnStats> columns);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<ColumnStats> m_columns;
};

} // namespace lepton
