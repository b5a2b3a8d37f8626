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
        QTest::addColumn<int>("positions"); // 0: a matrix; otherwise a sequence of this length per sample
        QTest::addColumn<bool>("bias");
        QTest::addColumn<bool>("inputGradient");
        QTest::addColumn<int>("threads");
        QTest::newRow("batch 128, bias, two threads") << 128 << 0 << true << true << 2;
        QTest::newRow("odd batch, no bias, two threads") << 131 << 0 << false << true << 2;
        QTest::newRow("one thread") << 64 << 0 << true << true << 1;
        QTest::newRow("one row") << 1 << 0 << true << true << 2;
        QTest::newRow("first layer: no input gradient") << 96 << 0 << true << false << 2;
        QTest::newRow("per position of a sequence") << 6 << 17 << true << true << 2;
    }

    void matchesLinear()
    {
        QFETCH(int, batch);
        QFETCH(int, positions);
        QFETCH(bool, bias);
        QFETCH(bool, inputGradient);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::nn::Linear linear(torch::nn::LinearOptions(1001, 97).bias(bias));
        const auto shaped = [&](int64_t features) {
            return positions ? std::vector<int64_t>{batch, positions, features} : std::vector<int64_t>{batch, features};
        };
        const torch::Tensor x = torch::randn(shaped(1001));
        QVERIFY(oneDnnLinearApplies(x, *linear));
        const torch::Tensor upstream = torch::randn(shaped(97));

        const torch::Tensor ourInput = x.clone().requires_grad_(inputGradient);
        const torch::Tensor ours = oneDnnLinear(ourInput, *linear);
        QVERIFY(graphHolds(ours, "OneDnnLinear"));
        (ours * upstream).sum().backward();
        const torch::Tensor ourWeightGradient = linear->weight.grad().clone();
        const torch::Tensor ourBiasGradient = bias ? linear->bias.grad().clone() : torch::Tensor();
        linear->zero_grad();

        const torch::Tensor theirInput = x.clone().requires_grad_(inputGradient);
        const torch::Tensor theirs = linear->forward(theirInput);
        (theirs * upstream).sum().backward();

        QCOMPARE(ours.sizes(), theirs.sizes());
        QVERIFY(largestRelativeDifference(ours, theirs) < 1e-5);
        QCOMPARE(ourInput.grad().defined(), inputGradient);
        if (inputGradient)
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
        QVERIFY(!oneDnnLinearApplies(torch::randn({448}), *linear)); // one sample without a batch
        QVERIFY(!oneDnnLinearApplies(torch::randn({128, 447}), *linear)); // not the layer's in_features
    }
};

QTEST_GUILESS_MAIN(TestOneDnnLinear)
#include "tst_onednnlinear.moc"
