#pragma once

#include "data/dataset.h"

#include <QAbstractTableModel>

#include <memory>

namespace lepton {

// The samples of a Dataset as rows: the label (or regression target) first,
// then the features. Cells are worked out when the view asks for them, so a
// million rows cost nothing until they scroll into view.
class SampleTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // Wider samples (images) show their first features only.
    static constexpr int kMaxFeatureColumns = 256;

    explicit SampleTableModel(QObject* parent = nullptr);

    // `dataset` stays alive as long as the model shows it; null shows nothing.
    void setDataset(std::shared_ptr<const Dataset> dataset);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QString labelText(int64_t row) const;

    std::shared_ptr<const Dataset> m_dataset;
};

} // namespace lepton
