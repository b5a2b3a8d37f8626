// The fused Adam and AdamW steps against LibTorch's own, step for step.
#include "train/fusedadam.h"

#include <QtTest>

#include <torch/torch.h>

#include <memory>
#include <sstream>

using namespace lepton;

namespace {

constexpr int kSteps = 25;

// Parameters shaped like a small MLP's and a convolution's, the same for
// every optimizer made.
std::vector<torch::Tensor> parameters(torch::Dtype dtype = torch::kFloat)
{
    torch::manual_seed(7);
    std::vector<torch::Tensor> made;
    for (const std::vector<int64_t>& shape : std::vector<std::vector<int64_t>>{{64, 40}, {64}, {3, 64}, {3}})
        made.push_back(torch::randn(shape, torch::dtype(dtype)).requires_grad_(true));
    // Convolution weights kept channels-last, as channels_last runs keep them.
    made.push_back(torch::randn({6, 4, 3, 3}, torch::dtype(dtype)).contiguous(torch::MemoryFormat::ChannelsLast).requires_grad_(true));
    made.push_back(torch::randn({8, 4, 1, 1}, torch::dtype(dtype)).requires_grad_(true));
    return made;
}

// The same gradients into both sets of parameters, different every step.
void setGradients(std::vector<torch::Tensor>& a, std::vector<torch::Tensor>& b, int step)
{
    torch::manual_seed(100 + step);
    for (size_t i = 0; i < a.size(); ++i) {
        torch::Tensor grad = torch::randn_like(a[i]) * (1.0 + step % 3);
        // A 1x1 weight is contiguous both ways; its gradient may come with
        // the channels-last strides, as a oneDNN convolution hands it.
        if (a[i].dim() == 4 && a[i].size(2) == 1)
            grad = torch::empty_like(grad, torch::MemoryFormat::ChannelsLast).copy_(grad);
        a[i].mutable_grad() = grad.clone();
        b[i].mutable_grad() = grad.clone();
    }
}

double largestDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    double largest = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        largest = std::max(largest, (a[i] - b[i]).abs().max().item<double>());
    return largest;
}

// The largest difference between the parameters after kSteps steps of
// each; `fused` says whether ours took the fused path.
template <typename Theirs, typename Ours, typename Options>
double runBoth(const Options& options, bool* fused, torch::Dtype dtype = torch::kFloat)
{
    std::vector<torch::Tensor> theirParams = parameters(dtype);
    std::vector<torch::Tensor> ourParams = parameters(dtype);
    Theirs theirs(theirParams, options);
    Ours ours(ourParams, options);
    for (int step = 0; step < kSteps; ++step) {
        setGradients(theirParams, ourParams, step);
        if (step == kSteps / 2) { // a schedule changes the rate between steps
            for (auto* optimizer : {static_cast<torch::optim::Optimizer*>(&theirs), static_cast<torch::optim::Optimizer*>(&ours)})
                optimizer->param_groups()[0].options().set_lr(options.lr() / 3);
        }
        theirs.step();
        ours.step();
    }
    *fused = ours.lastStepFused();
    torch::NoGradGuard noGrad;
    return largestDifference(theirParams, ourParams);
}

} // namespace

class TestFusedAdam : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void agreesWithLibTorch_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("weightDecay");
        QTest::newRow("adam") << "adam" << 0.0;
        QTest::newRow("adam, weight decay") << "adam" << 0.05;
        QTest::newRow("adamw") << "adamw" << 0.0;
        QTest::newRow("adamw, weight decay") << "adamw" << 0.05;
    }

    // Float rounding apart, the same parameters after every step; the
    // parameters move by about 0.01 a step, so 1e-5 is far below a step.
    void agreesWithLibTorch()
    {
        QFETCH(QString, kind);
        QFETCH(double, weightDecay);
        bool fused = false;
        const double difference = kind == "adam"
            ? runBoth<torch::optim::Adam, FusedAdam>(
                  torch::optim::AdamOptions(0.01).betas({0.8, 0.99}).weight_decay(weightDecay), &fused)
            : runBoth<torch::optim::AdamW, FusedAdamW>(
                  torch::optim::AdamWOptions(0.01).betas({0.8, 0.99}).weight_decay(weightDecay), &fused);
        QVERIFY(fused);
        QVERIFY2(difference < 1e-5, std::to_string(difference).c_str());
    }

    // Double parameters and AMSGrad take LibTorch's own step: the very same numbers.
    void whatItCannotFuseTakesLibTorchsStep()
    {
        bool fused = true;
        const double doubles =
            runBoth<torch::optim::Adam, FusedAdam>(torch::optim::AdamOptions(0.01), &fused, torch::kDouble);
        QVERIFY(!fused);
        QCOMPARE(doubles, 0.0);
        const double amsgrad = runBoth<torch::optim::Adam, FusedAdam>(torch::optim::AdamOptions(0.01).amsgrad(true), &fused);
        QVERIFY(!fused);
        QCOMPARE(amsgrad, 0.0);
    }

    // Its state is LibTorch's: saved by one, loaded by the other, the steps
    // go on as one optimizer's would (checkpoints written before stay good).
    void stateMovesBetweenItAndLibTorch()
    {
        std::vector<torch::Tensor> theirParams = parameters();
        std::vector<torch::Tensor> ourParams = parameters();
        torch::optim::Adam theirs(theirParams, torch::optim::AdamOptions(0.01));
        FusedAdam ours(ourParams, torch::optim::AdamOptions(0.01));
        for (int step = 0; step < 5; ++step) {
            setGradients(theirParams, ourParams, step);
            theirs.step();
            ours.step();
        }
        std::stringstream saved;
        torch::serialize::OutputArchive out;
        ours.save(out);
        out.save_to(saved);

        std::vector<torch::Tensor> resumedParams;
        {
            torch::NoGradGuard noGrad;
            for (const torch::Tensor& p : ourParams)
                resumedParams.push_back(p.detach().clone().requires_grad_(true));
        }
        torch::optim::Adam resumed(resumedParams, torch::optim::AdamOptions(0.01));
        torch::serialize::InputArchive in;
        in.load_from(saved);
        resumed.load(in);
        for (int step = 5; step < 10; ++step) {
            setGradients(resumedParams, ourParams, step);
            resumed.step();
            ours.step();
        }
        QVERIFY(ours.lastStepFused());
        torch::NoGradGuard noGrad;
        const double difference = largestDifference(resumedParams, ourParams);
        QVERIFY2(difference < 1e-5, std::to_string(difference).c_str());
    }
};

QTEST_GUILESS_MAIN(TestFusedAdam)
#include "tst_fusedadam.moc"
