#pragma once

#include <QWidget>

#include <cstdint>
#include <string>
#include <vector>

class QCPBars;
class QCustomPlot;

namespace lepton {

// How many samples each class has, as bars: the first look at whether the
// classes are balanced.
class ClassHistogram : public QWidget {
    Q_OBJECT

public:
    explicit ClassHistogram(QWidget* parent = nullptr);

    // `names` and `counts` run in class order; empty shows an empty plot.
    void setCounts(const std::vector<std::string>& names, const std::vector<int64_t>& counts);
    int barCount() const;

private:
    QCustomPlot* m_plot;
    QCPBars* m_bars;
};

} // namespace lepton
