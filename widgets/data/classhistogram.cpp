#include "data/classhistogram.h"

#include "qcustomplotheader.h"

#include <QVBoxLayout>

#include <algorithm>

namespace lepton {

namespace {

const QColor kBarColor(0x2d, 0x7f, 0xf9);
const QColor kAxisColor(0x9a, 0xa3, 0xb0);
// Past this many classes the labels would overlap; the axis shows numbers.
constexpr size_t kMaxNamedBars = 24;

} // namespace

ClassHistogram::ClassHistogram(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    m_plot->setObjectName(QStringLiteral("classHistogram"));
    m_plot->setMinimumSize(200, 120);
    QFont font = m_plot->font();
    font.setPointSizeF(8.5);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setTickLabelFont(font);
        axis->setLabelFont(font);
        axis->setBasePen(QPen(kAxisColor));
        axis->setTickPen(QPen(kAxisColor));
        axis->setSubTickPen(QPen(kAxisColor));
        axis->grid()->setPen(QPen(QColor(0xe6, 0xe8, 0xec)));
    }
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->xAxis->setTickLabelRotation(-35);
    m_plot->yAxis->setLabel(tr("samples"));
    m_bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    m_bars->setWidth(0.7);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(kBarColor);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void ClassHistogram::setCounts(const std::vector<std::string>& names, const std::vector<int64_t>& counts)
{
    QVector<double> keys;
    QVector<double> values;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const bool named = counts.size() <= kMaxNamedBars;
    for (size_t i = 0; i < counts.size(); ++i) {
        keys << double(i);
        values << double(counts[i]);
        if (named)
            ticker->addTick(double(i), i < names.size() ? QString::fromStdString(names[i]) : QString::number(i));
    }
    m_bars->setData(keys, values, true);
    if (named)
        m_plot->xAxis->setTicker(ticker);
    else
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    m_plot->xAxis->setRange(-0.6, std::max<double>(1.0, double(counts.size())) - 0.4);
    const int64_t most = counts.empty() ? 1 : *std::max_element(counts.begin(), counts.end());
    m_plot->yAxis->setRange(0, double(std::max<int64_t>(most, 1)) * 1.1);
    m_plot->replot();
}

int ClassHistogram::barCount() const
{
    return m_bars->data()->size();
}

} // namespace lepton
