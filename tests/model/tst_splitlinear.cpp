// The Linear layer split across intra-op threads against LibTorch's own.
#include "model/splitlinear.h"

#include <QtTest>

#include <torch/torch.h>

using namespace lepton;

namespace {

double largestRelativeDifference(const torch::Tensor& ours, const torch::Tensor& theirs)
{
    const double scale = std::max(1.0, theirs.abs().max().item<double>());
    return (ours - theirs).abs().max().item<double>() / scale;
}

} // namespace

class TestSplitLinear : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        torch::manual_seed(23);
        at::set_num_threads(2);
    }

    void matchesLinear_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<bool>("bias");
        QTest::addColumn<int>("threads");
        QTest::newRow("batch 128, bias") << 128 << true << 2;
        QTest::newRow("odd batch, no bias") << 131 << false << 2;
        QTest::newRow("three threads, shares of unequal size") << 100 << true << 3;
    }

    void matchesLinear()
    {
        QFETCH(int, batch);
        QFETCH(bool, bias);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::nn::Linear linear(torch::nn::LinearOptions(1001, 97).bias(bias));
        const torch::Tensor x = torch::randn({batch, 1001});
        QVERIFY(splitLinearApplies(x, *linear));
        const torch::Tensor upstream = torch::randn({batch, 97});

        const torch::Tensor ourInput = x.clone().requires_grad_(true);
        const torch::Tensor ours = splitLinear(ourInput, *linear);
        QVERIFY(ours.grad_fn()->name().find("SplitLinear") != std::string::npos);
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

    void onlySharesWorthSplittingAreSplit()
    {
        torch::nn::Linear linear(3136, 128);
        const torch::Tensor x = torch::randn({128, 3136});
        QVERIFY(splitLinearApplies(x, *linear));
        QVERIFY(!splitLinearApplies(x.narrow(0, 0, 2), *linear)); // too little work
        QVERIFY(!splitLinearApplies(x.t().contiguous().t(), *linear)); // not contiguous
        QVERIFY(!splitLinearApplies(x.to(torch::kDouble), *linear));
        QVERIFY(!splitLinearApplies(x.view({128, 7, 448}), *linear)); // not 2-d
        at::set_num_threads(1);
        QVERIFY(!splitLinearApplies(x, *linear));
    }
};

QTEST_GUILESS_MAIN(TestSplitLinear)
#include "tst_splitlinear.moc"
