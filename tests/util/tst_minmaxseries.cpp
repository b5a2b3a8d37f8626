// Min/max decimation of plot curves: what a column keeps, checked against a
// plain scan of the same points.
#include <QtTest>

#include "util/minmaxseries.h"

#include <algorithm>
#include <cmath>
#include <random>

using lepton::MinMaxSeries;

namespace {

// The lowest and highest y of the points with x in [from, to).
std::pair<double, double> scannedExtremes(const MinMaxSeries& series, double from, double to)
{
    double low = INFINITY, high = -INFINITY;
    for (const MinMaxSeries::Point& point : series.points()) {
        if (point.x >= from && point.x < to) {
            low = std::min(low, point.y);
            high = std::max(high, point.y);
        }
    }
    return {low, high};
}

MinMaxSeries noisyCurve(int points, unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<double> noise(0.0, 0.1);
    MinMaxSeries series;
    for (int i = 0; i < points; ++i) {
        const double spike = i % 9973 == 0 ? 50.0 : (i % 7919 == 0 ? -50.0 : 0.0);
        series.append(i * 0.001, 1.0 / (1.0 + i * 1e-4) + noise(random) + spike);
    }
    return series;
}

} // namespace

class MinMaxSeriesTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fewPointsStayAsTheyAre()
    {
        MinMaxSeries series;
        for (int i = 0; i < 10; ++i)
            series.append(i, i * i);
        const std::vector<MinMaxSeries::Point> kept = series.decimated(0, 9, 100);
        QCOMPARE(kept.size(), size_t(10));
        QVERIFY(kept == series.points());
        QCOMPARE(series.valueRange()->first, 0.0);
        QCOMPARE(series.valueRange()->second, 81.0);
    }

    void everyColumnKeepsItsMinAndMax_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("columns");
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::newRow("whole curve, 800 columns") << 100000 << 800 << 0.0 << 100.0;
        QTest::newRow("zoomed in, not aligned to blocks") << 100000 << 300 << 12.3456 << 47.891;
        QTest::newRow("one column") << 54321 << 1 << 0.0 << 54.321;
        QTest::newRow("length not a power of eight") << 4097 << 7 << 0.0 << 4.097;
    }

    void everyColumnKeepsItsMinAndMax()
    {
        QFETCH(int, points);
        QFETCH(int, columns);
        QFETCH(double, from);
        QFETCH(double, to);
        const MinMaxSeries series = noisyCurve(points, 7);
        const std::vector<MinMaxSeries::Point> kept = series.decimated(from, to, columns);
        QVERIFY(kept.size() <= 2 * size_t(columns) + 4);
        QVERIFY(std::is_sorted(kept.begin(), kept.end(),
                               [](const auto& a, const auto& b) { return a.x < b.x; }));
        const double width = (to - from) / columns;
        for (int column = 0; column < columns; ++column) {
            const double begin = from + column * width;
            const double end = column + 1 == columns ? std::nextafter(to, INFINITY) : from + (column + 1) * width;
            const auto [low, high] = scannedExtremes(series, begin, end);
            if (!std::isfinite(low))
                continue;
            const auto inColumn = [&](double y) {
                return std::any_of(kept.begin(), kept.end(), [&](const MinMaxSeries::Point& point) {
                    return point.x >= begin && point.x < end && point.y == y;
                });
            };
            QVERIFY2(inColumn(low), qPrintable(QStringLiteral("column %1 lost its minimum %2").arg(column).arg(low)));
            QVERIFY2(inColumn(high), qPrintable(QStringLiteral("column %1 lost its maximum %2").arg(column).arg(high)));
        }
        // Every kept point is one of the curve's own.
        for (const MinMaxSeries::Point& point : kept)
            QVERIFY(std::binary_search(series.points().begin(), series.points().end(), point,
                                       [](const auto& a, const auto& b) { return a.x < b.x; }));
    }

    // The spikes a plot must never hide survive a view 500 pixels wide.
    void spikesSurvive()
    {
        const MinMaxSeries series = noisyCurve(1000000, 3);
        const std::vector<MinMaxSeries::Point> kept = series.decimated(0, 1000, 500);
        QVERIFY(kept.size() <= 1004);
        const auto count = [&](double threshold, bool above) {
            return std::count_if(kept.begin(), kept.end(), [&](const MinMaxSeries::Point& point) {
                return above ? point.y > threshold : point.y < threshold;
            });
        };
        QCOMPARE(count(40.0, true), qsizetype(1000000 / 9973 + 1));
        QCOMPARE(count(-40.0, false), qsizetype(1000000 / 7919 + 1) - 1); // 0 is a multiple of both: the spike up wins
        QCOMPARE(series.valueRange()->second, series.points()[0].y);
    }

    void nanIsNotKept()
    {
        MinMaxSeries series;
        series.append(0, 1.0);
        series.append(1, NAN);
        series.append(2, 3.0);
        QCOMPARE(series.size(), size_t(2));
        series.clear();
        QVERIFY(!series.valueRange());
        QVERIFY(series.decimated(0, 1, 10).empty());
    }
};

QTEST_GUILESS_MAIN(MinMaxSeriesTest)
#include "tst_minmaxseries.moc"
