// The Linear layer on oneDNN's matrix product against LibTorch's own.
#include "model/onednnlinear.h"

#include "common/kerneltestutil.h"

#include <QtTest>

#include <torch/torch.h>

using namespace lepton;
using namespace lepton::testing;


class TestOneDnnLinear : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (!oneDnnLinearBuilt())
            QSKIP("built without oneDNN's headers (libdnnl-dev)");
        torch::manual_seed(23);
    }

    void matchesLinear_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<int>("threads");
        QTest::newRow("batch 128, bias, two threads") << 128 << true << 2;
        QTest::newRow("odd batch, no bias, two threads") << 131 << false << 2;
        QTest::newRow("one thread") << 64 << true << 1;
        QTest::newRow("one row") << 1 << true << 2;
    }

    void matchesLinear()
    {
        QFETCH(int, batch);
        QFETCH(bool, bias);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::nn::Linear linear(torch::nn::LinearOptions(1001, 97).bias(bias));
        const torch::Tensor x = torch::randn({batch, 1001});
        QVERIFY(oneDnnLinearApplies(x, *linear));
        const torch::Tensor upstream = torch::randn({batch, 97});

        const torch::Tensor ourInput = x.clone().requires_grad_(true);
        const torch::Tensor ours = oneDnnLinear(ourInput, *linear);
        QVERIFY(graphHolds(ours, "OneDnnLinear"));
        (ours * upstream).sum().backward();
        const torch::Tensor ourWeightGradient = linear->weight.grad().clone();
        const torch::Tensor ourBiasGradient = bias ? linear->bias.grad().clone() : torch::Tensor();
        linear->zero_grad();

        const torch::Tensor theirInput = x.clone().requires_grad_(true);
        const torch::Tensor theirs = linear->forward(theirInput);
        (theirs * upstream).sum().backward();

        QVERIFY(largestRelativeDifference(ours, theirs) < 1e-5);
        QVERIFY(largestRelativeDifference(ourInput.grad(), theirInput.grad()) < 1e-5);
        QVERIFY(largestRelativeDifference(ourWeightGradient, linear->weight.grad()) < 1e-5);
        if (bias)
            QVERIFY(largestRelativeDifference(ourBiasGradient, linear->bias.grad()) < 1e-5);
    }

    void onlyFloatCpuMatricesAreTaken()
    {
        torch::nn::Linear linear(448, 16);
        const torch::Tensor x = torch::randn({128, 448});
        QVERIFY(oneDnnLinearApplies(x, *linear));
        QVERIFY(!oneDnnLinearApplies(x.narrow(0, 0, 0), *linear)); // no rows
        QVERIFY(!oneDnnLinearApplies(torch::randn({448, 128}).t(), *linear)); // not contiguous
        QVERIFY(!oneDnnLinearApplies(x.to(torch::kDouble), *linear));
        QVERIFY(!oneDnnLinearApplies(torch::randn({2, 64, 448}), *linear)); // not 2-d
    }
};

QTEST_GUILESS_MAIN(TestOneDnnLinear)
#include "tst_onednnlinear.moc"
