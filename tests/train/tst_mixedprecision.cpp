// Mixed-precision training's parts that run anywhere: loss scaling, and the
// settings that apply only on CUDA.
#include "train/mixedprecision.h"
#include "train/trainingconfig.h"

#include <QtTest>

#include <limits>

using namespace lepton;

namespace {

// One parameter whose gradient is `gradient`.
torch::Tensor parameterWithGradient(float gradient)
{
    torch::Tensor parameter = torch::zeros({2}, torch::requires_grad());
    parameter.mutable_grad() = torch::full({2}, gradient);
    return parameter;
}

} // namespace

class TestMixedPrecision : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void scalerScalesTheLossAndUnscalesTheGradients()
    {
        GradScaler scaler(true);
        QCOMPARE(scaler.scale(torch::tensor(2.0f)).item<float>(), 2.0f * 65536.0f);
        const torch::Tensor parameter = parameterWithGradient(65536.0f * 3.0f);
        QVERIFY(scaler.unscale({parameter}));
        QCOMPARE(parameter.grad()[0].item<float>(), 3.0f);
        QCOMPARE(scaler.factor(), 65536.0);
    }

    void overflowSkipsTheStepAndHalvesTheFactor()
    {
        GradScaler scaler(true);
        QVERIFY(!scaler.unscale({parameterWithGradient(1.0f), parameterWithGradient(std::numeric_limits<float>::infinity())}));
        QCOMPARE(scaler.factor(), 32768.0);
        QVERIFY(!scaler.unscale({parameterWithGradient(std::numeric_limits<float>::quiet_NaN())}));
        QCOMPARE(scaler.factor(), 16384.0);
    }

    void factorGrowsAfterTwoThousandCleanSteps()
    {
        GradScaler scaler(true);
        for (int step = 0; step < 1999; ++step)
            QVERIFY(scaler.unscale({parameterWithGradient(1.0f)}));
        QCOMPARE(scaler.factor(), 65536.0);
        QVERIFY(scaler.unscale({parameterWithGradient(1.0f)}));
        QCOMPARE(scaler.factor(), 131072.0);

        GradScaler resumed(true);
        resumed.restore(scaler.state());
        QCOMPARE(resumed.factor(), 131072.0);
    }

    void disabledScalerChangesNothing()
    {
        GradScaler scaler(false);
        QCOMPARE(scaler.scale(torch::tensor(2.0f)).item<float>(), 2.0f);
        const torch::Tensor parameter = parameterWithGradient(std::numeric_limits<float>::infinity());
        QVERIFY(scaler.unscale({parameter})); // the loss's own check reports a diverged run
        QVERIFY(std::isinf(parameter.grad()[0].item<float>()));
    }

    void cudaOnlySettingsAreGreyedOutOnTheCpu()
    {
        TrainingConfig config;
        config.device = "cpu";
        QVERIFY(!trainingParamApplies("mixed_precision", config));
        QVERIFY(!trainingParamApplies("cudnn_benchmark", config));
        QVERIFY(trainingParamApplies("channels_last", config)); // oneDNN convolves NHWC too
        config.device = "cuda:1";
        QVERIFY(trainingParamApplies("mixed_precision", config));
        QVERIFY(trainingParamApplies("cudnn_benchmark", config));
    }
};

QTEST_GUILESS_MAIN(TestMixedPrecision)
#include "tst_mixedprecision.moc"
