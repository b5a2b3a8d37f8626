// The engine's max pooling over tiling windows against torch::max_pool2d.
#include "model/tiledmaxpool.h"

#include <QtTest>

#include <torch/torch.h>

#include <limits>

using namespace lepton;

class TestTiledMaxPool : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { torch::manual_seed(5); }

    void matchesMaxPool2d_data()
    {
        QTest::addColumn<QVector<qint64>>("shape");
        QTest::addColumn<int>("kernel");
        QTest::newRow("2x2 windows") << QVector<qint64>{4, 3, 28, 28} << 2;
        QTest::newRow("odd sizes leave a row and a column") << QVector<qint64>{2, 5, 9, 7} << 2;
        QTest::newRow("rows of five windows") << QVector<qint64>{2, 3, 6, 11} << 2;
        QTest::newRow("3x3 windows") << QVector<qint64>{3, 2, 11, 12} << 3;
        QTest::newRow("one window per plane") << QVector<qint64>{6, 4, 4, 4} << 4;
    }

    void matchesMaxPool2d()
    {
        QFETCH(QVector<qint64>, shape);
        QFETCH(int, kernel);
        const std::vector<int64_t> sizes(shape.begin(), shape.end());
        // Ties too: the first of equal values wins in both.
        const torch::Tensor x = torch::randint(-4, 5, sizes).to(torch::kFloat);
        QVERIFY(tiledMaxPoolApplies(x, kernel, kernel, 0));
        const torch::Tensor ours = x.clone().requires_grad_(true);
        const torch::Tensor theirs = x.clone().requires_grad_(true);
        const torch::Tensor pooled = tiledMaxPool2d(ours, kernel);
        const torch::Tensor expected = torch::max_pool2d(theirs, kernel, kernel);
        QVERIFY(torch::equal(pooled, expected));
        const torch::Tensor upstream = torch::randn_like(expected);
        pooled.backward(upstream);
        expected.backward(upstream);
        QVERIFY(torch::equal(ours.grad(), theirs.grad()));
    }

    // Rows of two windows and of four (pooled four at a time).
    void notANumberWinsItsWindow_data()
    {
        QTest::addColumn<int>("width");
        QTest::newRow("2 windows a row") << 4;
        QTest::newRow("4 windows a row") << 8;
    }

    void notANumberWinsItsWindow()
    {
        QFETCH(int, width);
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float infinity = std::numeric_limits<float>::infinity();
        torch::Tensor x = torch::randn({1, 1, 4, width});
        x[0][0][0][1] = nan;
        x[0][0][1][width - 1] = nan;
        x[0][0][1][width - 2] = nan;
        x[0][0].slice(0, 2, 4).slice(1, 2, 4).fill_(-infinity);
        const torch::Tensor ours = x.clone().requires_grad_(true);
        const torch::Tensor theirs = x.clone().requires_grad_(true);
        const torch::Tensor pooled = tiledMaxPool2d(ours, 2);
        const torch::Tensor expected = torch::max_pool2d(theirs, 2, 2);
        QVERIFY(std::isnan(pooled[0][0][0][0].item<float>()));
        QVERIFY(std::isnan(pooled[0][0][0][width / 2 - 1].item<float>()));
        QCOMPARE(pooled[0][0][1][1].item<float>(), -infinity);
        QVERIFY(torch::equal(pooled.nan_to_num(0.0), expected.nan_to_num(0.0)));
        pooled.sum().backward();
        expected.sum().backward();
        QVERIFY(torch::equal(ours.grad(), theirs.grad()));
    }

    void onlyTilingWindowsOverContiguousFloatsApply()
    {
        const torch::Tensor x = torch::randn({2, 3, 8, 8});
        QVERIFY(tiledMaxPoolApplies(x, 2, 2, 0));
        QVERIFY(!tiledMaxPoolApplies(x, 3, 2, 0));  // overlapping windows
        QVERIFY(!tiledMaxPoolApplies(x, 2, 2, 1));  // padding
        QVERIFY(!tiledMaxPoolApplies(x, 16, 16, 0)); // no window fits
        QVERIFY(!tiledMaxPoolApplies(x.to(torch::kDouble), 2, 2, 0));
        QVERIFY(!tiledMaxPoolApplies(x.contiguous(torch::MemoryFormat::ChannelsLast), 2, 2, 0));
    }
};

QTEST_GUILESS_MAIN(TestTiledMaxPool)
#include "tst_tiledmaxpool.moc"
