// BatchNorm2d + ReLU + max pooling as one kernel, against LibTorch's three
// operations in double and against the engine's two kernels it replaces,
// and the GraphModule step that uses it.
#include "graph/layerregistry.h"
#include "model/batchnormrelu.h"
#include "model/batchnormrelupool.h"
#include "model/graphmodule.h"
#include "model/tiledmaxpool.h"

#include "common/kerneltestutil.h"

#include <QtTest>

#include <torch/torch.h>

#include <limits>

using namespace lepton;
using namespace lepton::testing;

namespace {

struct Step {
    torch::Tensor output, inputGradient;
};

// One training step through `block`, pooled output times `upstream` summed.
template <typename Block>
Step runStep(const Block& block, const torch::Tensor& x, const torch::Tensor& upstream)
{
    const torch::Tensor input = x.detach().clone().requires_grad_(true);
    const torch::Tensor output = block(input);
    (output * upstream.to(output.scalar_type())).sum().backward();
    return {output.detach(), input.grad()};
}

Step fusedStep(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x, const torch::Tensor& upstream, int64_t kernel)
{
    return runStep([&](const torch::Tensor& in) { return batchNormReluPool(in, norm, kernel); }, x, upstream);
}

} // namespace

class TestBatchNormReluPool : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { torch::manual_seed(17); }

    void matchesTheThreeLayersInDouble_data()
    {
        QTest::addColumn<QVector<qint64>>("shape");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<double>("offset");
        QTest::addColumn<double>("lowestWeight");
        QTest::newRow("2x2 windows") << QVector<qint64>{8, 5, 28, 28} << 2 << 0.0 << 0.5;
        QTest::newRow("odd sizes leave a row and a column") << QVector<qint64>{4, 3, 9, 7} << 2 << 0.0 << 0.5;
        QTest::newRow("rows of five windows") << QVector<qint64>{3, 2, 6, 11} << 2 << 0.0 << 0.5;
        QTest::newRow("odd sizes, rows of four windows") << QVector<qint64>{3, 3, 11, 9} << 2 << 0.0 << 0.5;
        QTest::newRow("rows of three windows") << QVector<qint64>{5, 2, 6, 6} << 2 << 0.0 << 0.5;
        QTest::newRow("3x3 windows") << QVector<qint64>{3, 2, 11, 12} << 3 << 0.0 << 0.5;
        QTest::newRow("one window per plane") << QVector<qint64>{6, 4, 4, 4} << 4 << 0.0 << 0.5;
        QTest::newRow("one sample") << QVector<qint64>{1, 4, 8, 8} << 2 << 0.0 << 0.5;
        // A mean far above the spread: sums of squares would cancel.
        QTest::newRow("large mean") << QVector<qint64>{6, 4, 12, 12} << 2 << 300.0 << 0.5;
        // Negative weights turn the order around: the window's maximum is
        // then at its smallest input.
        QTest::newRow("negative weights") << QVector<qint64>{6, 4, 12, 12} << 2 << 0.0 << -1.5;
    }

    void matchesTheThreeLayersInDouble()
    {
        QFETCH(QVector<qint64>, shape);
        QFETCH(int, kernel);
        QFETCH(double, offset);
        QFETCH(double, lowestWeight);
        const std::vector<int64_t> sizes(shape.begin(), shape.end());
        const std::vector<int64_t> pooledSizes{sizes[0], sizes[1], sizes[2] / kernel, sizes[3] / kernel};
        torch::nn::BatchNorm2d ours = makeNorm(sizes[1], lowestWeight);
        const std::shared_ptr<torch::nn::BatchNorm2dImpl> theirs = copyOf(*ours);
        theirs->to(torch::kDouble);
        for (int step = 0; step < 2; ++step) { // the second starts from updated running statistics
            const torch::Tensor x = torch::randn(sizes) * 2 + offset;
            QVERIFY(batchNormReluPoolFusable(x, *ours, kernel, kernel, 0));
            const torch::Tensor upstream = torch::randn(pooledSizes);
            ours->zero_grad();
            theirs->zero_grad();
            const Step fused = fusedStep(*ours, x, upstream, kernel);
            const Step separate = runStep(
                [&](const torch::Tensor& in) { return torch::max_pool2d(torch::relu(theirs->forward(in)), kernel, kernel); },
                x.to(torch::kDouble), upstream);

            QCOMPARE(fused.output.sizes().vec(), pooledSizes);
            QVERIFY2(largestRelativeDifference(fused.output, separate.output) < 1e-5, "output");
            QVERIFY2(largestRelativeDifference(fused.inputGradient, separate.inputGradient) < 1e-4, "input gradient");
            QVERIFY2(largestRelativeDifference(ours->weight.grad(), theirs->weight.grad()) < 1e-4, "weight gradient");
            QVERIFY2(largestRelativeDifference(ours->bias.grad(), theirs->bias.grad()) < 1e-5, "bias gradient");
            QVERIFY2(largestRelativeDifference(ours->running_mean, theirs->running_mean) < 1e-5, "running mean");
            QVERIFY2(largestRelativeDifference(ours->running_var, theirs->running_var) < 1e-5, "running variance");
            QCOMPARE(ours->num_batches_tracked.item<int64_t>(), theirs->num_batches_tracked.item<int64_t>());
        }
    }

    // The kernels it replaces give the same output bits and, with their sums
    // taken in another order, gradients within rounding; NaN included.
    void matchesTheTwoKernelsItReplaces_data()
    {
        QTest::addColumn<bool>("withNaN");
        QTest::newRow("finite") << false;
        QTest::newRow("a NaN input") << true;
    }

    void matchesTheTwoKernelsItReplaces()
    {
        QFETCH(bool, withNaN);
        torch::Tensor x = torch::randn({16, 6, 14, 14});
        if (withNaN)
            x[3][2][5][6] = std::numeric_limits<float>::quiet_NaN();
        const torch::Tensor upstream = torch::randn({16, 6, 7, 7});
        torch::nn::BatchNorm2d fusedNorm = makeNorm(6);
        const std::shared_ptr<torch::nn::BatchNorm2dImpl> twoKernelNorm = copyOf(*fusedNorm);
        const Step fused = fusedStep(*fusedNorm, x, upstream, 2);
        const Step twoKernels = runStep(
            [&](const torch::Tensor& in) { return tiledMaxPool2d(batchNormRelu(in, *twoKernelNorm), 2); }, x, upstream);

        QVERIFY(torch::equal(fused.output.isnan(), twoKernels.output.isnan()));
        QCOMPARE(fused.output.isnan().any().item<bool>(), withNaN);
        QVERIFY(torch::equal(fused.output.nan_to_num(0), twoKernels.output.nan_to_num(0)));
        QVERIFY(torch::equal(fusedNorm->running_mean.isnan(), twoKernelNorm->running_mean.isnan()));
        if (!withNaN) {
            QVERIFY(largestRelativeDifference(fused.inputGradient, twoKernels.inputGradient) < 1e-5);
            QVERIFY(largestRelativeDifference(fusedNorm->weight.grad(), twoKernelNorm->weight.grad()) < 1e-5);
            QVERIFY(torch::equal(fusedNorm->running_var, twoKernelNorm->running_var));
        }
    }

    void resultsDoNotDependOnTheThreadCount()
    {
        const torch::Tensor x = torch::randn({16, 8, 20, 20});
        const torch::Tensor upstream = torch::randn({16, 8, 10, 10});
        const int threads = at::get_num_threads();
        std::vector<Step> steps;
        for (int count : {1, 2}) {
            at::set_num_threads(count);
            torch::manual_seed(3);
            torch::nn::BatchNorm2d norm = makeNorm(8);
            steps.push_back(fusedStep(*norm, x, upstream, 2));
        }
        at::set_num_threads(threads);
        QVERIFY(torch::equal(steps[0].output, steps[1].output));
        QVERIFY(torch::equal(steps[0].inputGradient, steps[1].inputGradient));
    }

    void onlyTilingWindowsOverNchwTrainingInputsAreFused()
    {
        torch::nn::BatchNorm2d norm = makeNorm(3);
        const torch::Tensor x = torch::randn({4, 3, 8, 8});
        QVERIFY(batchNormReluPoolFusable(x, *norm, 2, 2, 0));
        QVERIFY(!batchNormReluPoolFusable(x, *norm, 3, 2, 0)); // overlapping windows
        QVERIFY(!batchNormReluPoolFusable(x, *norm, 2, 2, 1)); // padding
        QVERIFY(!batchNormReluPoolFusable(x.contiguous(torch::MemoryFormat::ChannelsLast), *norm, 2, 2, 0));
        QVERIFY(!batchNormReluPoolFusable(x.to(torch::kDouble), *norm, 2, 2, 0));
        {
            torch::NoGradGuard noGrad;
            norm->weight[1] = 0.0f; // every window of channel 1 ties
        }
        QVERIFY(!batchNormReluPoolFusable(x, *norm, 2, 2, 0));
        norm->weight.data()[1] = 1.0f;
        QVERIFY(batchNormReluPoolFusable(x, *norm, 2, 2, 0));
        norm->eval();
        QVERIFY(!batchNormReluPoolFusable(x, *norm, 2, 2, 0));
    }

    // Conv -> BatchNorm2d -> ReLU -> MaxPool2d -> Flatten -> Linear in a
    // GraphModule: one fused step, with the output, gradients and running
    // statistics of the layers run one by one. With `branch` the ReLU is also
    // read by a second pooling, so only the norm and ReLU fuse.
    void graphModuleRunsTheBlockAsOne_data()
    {
        QTest::addColumn<bool>("branch");
        QTest::newRow("ReLU read by the pooling only") << false;
        QTest::newRow("ReLU read by two poolings") << true;
    }

    void graphModuleRunsTheBlockAsOne()
    {
        QFETCH(bool, branch);
        const LayerRegistry& registry = LayerRegistry::builtin();
        Graph graph;
        const auto add = [&](const std::string& type, const nlohmann::json& params = nlohmann::json::object()) {
            return addLayer(graph, type, params);
        };
        const NodeId in = add("Input", {{"shape", {2, 8, 8}}});
        const NodeId conv = add("Conv2d", {{"out_channels", 4}, {"padding", 1}});
        const NodeId norm = add("BatchNorm2d");
        const NodeId relu = add("ReLU");
        const NodeId pool = add("MaxPool2d");
        const NodeId otherPool = add("MaxPool2d");
        const NodeId sum = add("Add");
        const NodeId flatten = add("Flatten");
        const NodeId head = add("Linear", {{"out_features", 3}});
        const NodeId out = add("Output");
        graph.addEdge({in, 0, conv, 0});
        graph.addEdge({conv, 0, norm, 0});
        graph.addEdge({norm, 0, relu, 0});
        graph.addEdge({relu, 0, pool, 0});
        graph.addEdge({relu, 0, otherPool, 0});
        graph.addEdge({pool, 0, sum, 0});
        graph.addEdge({branch ? otherPool : pool, 0, sum, 1});
        graph.addEdge({sum, 0, flatten, 0});
        graph.addEdge({flatten, 0, head, 0});
        graph.addEdge({head, 0, out, 0});
        GraphModule model(graph, registry);
        model->train();

        auto convolution = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(model->layerModule(conv));
        auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(model->layerModule(head));
        auto normModule = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(model->layerModule(norm));
        const std::shared_ptr<torch::nn::BatchNorm2dImpl> separateNorm = copyOf(*normModule);

        const torch::Tensor x = torch::randn({8, 2, 8, 8});
        const torch::Tensor output = model->forward(x);
        QCOMPARE(graphHolds(output, "BatchNormReluPool"), !branch);
        QCOMPARE(graphHolds(output, "BatchNormRelu"), branch);
        QCOMPARE(graphHolds(output, "TiledMaxPool"), branch);
        output.square().sum().backward();
        const torch::Tensor convGradient = convolution->weight.grad().clone();
        convolution->weight.mutable_grad().zero_();

        const auto layers = [&](const torch::Tensor& normalized) {
            const torch::Tensor pooled = torch::max_pool2d(torch::relu(normalized), 2, 2);
            return linear->forward((pooled + pooled).flatten(1));
        };
        const torch::Tensor expected = layers(separateNorm->forward(convolution->forward(x)));
        expected.square().sum().backward();

        QVERIFY(largestRelativeDifference(output, expected) < 1e-5);
        QVERIFY(largestRelativeDifference(convGradient, convolution->weight.grad()) < 1e-4);
        QVERIFY(largestRelativeDifference(normModule->running_var, separateNorm->running_var) < 1e-5);
        QCOMPARE(normModule->num_batches_tracked.item<int64_t>(), 1);

        model->eval(); // evaluation takes the layers' own path
        torch::NoGradGuard noGrad;
        separateNorm->eval();
        const torch::Tensor expectedEvaluation = layers(separateNorm->forward(convolution->forward(x)));
        QVERIFY(largestRelativeDifference(model->forward(x), expectedEvaluation) < 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestBatchNormReluPool)
#include "tst_batchnormrelupool.moc"
