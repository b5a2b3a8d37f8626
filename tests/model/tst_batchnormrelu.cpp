// The fused BatchNorm2d + ReLU against LibTorch's two modules in double, and the
// GraphModule steps that use it.
#include "graph/layerregistry.h"
#include "model/batchnormrelu.h"
#include "model/graphmodule.h"

#include "common/kerneltestutil.h"

#include <QtTest>

#include <torch/torch.h>

using namespace lepton;
using namespace lepton::testing;

namespace {

using Format = torch::MemoryFormat;

// One training step of each; what differs most between them.
struct Step {
    torch::Tensor output, inputGradient;
};

Step fusedStep(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x, const torch::Tensor& upstream)
{
    const torch::Tensor input = x.detach().clone(torch::MemoryFormat::Preserve).requires_grad_(true);
    const torch::Tensor output = batchNormRelu(input, norm);
    (output * upstream).sum().backward();
    return {output.detach(), input.grad()};
}

// LibTorch's modules in double: the reference both float computations are
// held to (LibTorch's own float channels-last statistics stray further).
Step separateStep(torch::nn::BatchNorm2dImpl& norm, const torch::Tensor& x, const torch::Tensor& upstream)
{
    const torch::Tensor input = x.detach().to(torch::kDouble).clone(torch::MemoryFormat::Preserve).requires_grad_(true);
    const torch::Tensor output = torch::relu(norm.forward(input));
    (output * upstream.to(torch::kDouble)).sum().backward();
    return {output.detach(), input.grad()};
}

} // namespace

class TestBatchNormRelu : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { torch::manual_seed(11); }

    void matchesBatchNormThenRelu_data()
    {
        QTest::addColumn<QVector<qint64>>("shape");
        QTest::addColumn<bool>("channelsLast");
        QTest::addColumn<double>("offset");
        QTest::newRow("NCHW") << QVector<qint64>{8, 5, 7, 9} << false << 0.0;
        QTest::newRow("channels-last") << QVector<qint64>{8, 5, 7, 9} << true << 0.0;
        // Rows that fill several blocks and leave a short last one.
        QTest::newRow("channels-last, short last block") << QVector<qint64>{5, 3, 40, 41} << true << 0.0;
        QTest::newRow("NCHW, one sample") << QVector<qint64>{1, 4, 6, 6} << false << 0.0;
        QTest::newRow("1x1 images") << QVector<qint64>{16, 6, 1, 1} << false << 0.0;
        // More channels than a period's 512 floats: a period is one row.
        QTest::newRow("channels-last, 600 channels") << QVector<qint64>{2, 600, 3, 5} << true << 0.0;
        // A mean far above the spread: sums of squares would cancel.
        QTest::newRow("NCHW, large mean") << QVector<qint64>{6, 4, 12, 12} << false << 300.0;
        QTest::newRow("channels-last, large mean") << QVector<qint64>{6, 4, 12, 12} << true << 300.0;
    }

    void matchesBatchNormThenRelu()
    {
        QFETCH(QVector<qint64>, shape);
        QFETCH(bool, channelsLast);
        QFETCH(double, offset);
        const std::vector<int64_t> sizes(shape.begin(), shape.end());
        torch::nn::BatchNorm2d ours = makeNorm(sizes[1]);
        const std::shared_ptr<torch::nn::BatchNorm2dImpl> theirs = copyOf(*ours);
        theirs->to(torch::kDouble);
        for (int step = 0; step < 2; ++step) { // the second starts from updated running statistics
            torch::Tensor x = torch::randn(sizes) * 2 + offset;
            if (channelsLast)
                x = x.contiguous(Format::ChannelsLast);
            QVERIFY(batchNormReluFusable(x, *ours));
            const torch::Tensor upstream = torch::randn(sizes);
            ours->zero_grad();
            theirs->zero_grad();
            const Step fused = fusedStep(*ours, x, upstream);
            const Step separate = separateStep(*theirs, x, upstream);

            QVERIFY(fused.output.strides() == x.strides()); // the input's layout
            QVERIFY(fused.output.min().item<float>() >= 0.0f);
            QVERIFY2(largestRelativeDifference(fused.output, separate.output) < 1e-5, "output");
            QVERIFY2(largestRelativeDifference(fused.inputGradient, separate.inputGradient) < 1e-4, "input gradient");
            QVERIFY2(largestRelativeDifference(ours->weight.grad(), theirs->weight.grad()) < 1e-4, "weight gradient");
            QVERIFY2(largestRelativeDifference(ours->bias.grad(), theirs->bias.grad()) < 1e-5, "bias gradient");
            QVERIFY2(largestRelativeDifference(ours->running_mean, theirs->running_mean) < 1e-5, "running mean");
            QVERIFY2(largestRelativeDifference(ours->running_var, theirs->running_var) < 1e-5, "running variance");
            QCOMPARE(ours->num_batches_tracked.item<int64_t>(), theirs->num_batches_tracked.item<int64_t>());
        }
    }

    void resultsDoNotDependOnTheThreadCount()
    {
        const torch::Tensor x = torch::randn({16, 8, 20, 20}).contiguous(Format::ChannelsLast);
        const torch::Tensor upstream = torch::randn({16, 8, 20, 20});
        const int threads = at::get_num_threads();
        std::vector<Step> steps;
        for (int count : {1, 2}) {
            at::set_num_threads(count);
            torch::manual_seed(3);
            torch::nn::BatchNorm2d norm = makeNorm(8);
            steps.push_back(fusedStep(*norm, x, upstream));
        }
        at::set_num_threads(threads);
        QVERIFY(torch::equal(steps[0].output, steps[1].output));
        QVERIFY(torch::equal(steps[0].inputGradient, steps[1].inputGradient));
    }

    void onlyTrainingFloatCpuInputsAreFused()
    {
        torch::nn::BatchNorm2d norm = makeNorm(3);
        const torch::Tensor x = torch::randn({4, 3, 5, 5});
        QVERIFY(batchNormReluFusable(x, *norm));
        QVERIFY(!batchNormReluFusable(x.to(torch::kDouble), *norm));
        QVERIFY(!batchNormReluFusable(x.transpose(2, 3), *norm)); // neither layout
        QVERIFY(!batchNormReluFusable(torch::randn({1, 3, 1, 1}), *norm)); // one value per channel
        norm->eval();
        QVERIFY(!batchNormReluFusable(x, *norm));
        torch::nn::BatchNorm2d cumulative(torch::nn::BatchNorm2dOptions(3).momentum(c10::nullopt));
        QVERIFY(!batchNormReluFusable(x, *cumulative));
    }

    // Conv -> BatchNorm2d -> ReLU -> ... in a GraphModule: the same output,
    // gradients and running statistics as the layers run one by one, with
    // the norm's statistics updated once per batch. With `branch`, the norm
    // is also read by an Add, so it cannot fuse, and the result is the same.
    void graphModuleRunsNormAndReluAsOne_data()
    {
        QTest::addColumn<bool>("branch");
        QTest::newRow("norm read by the ReLU only") << false;
        QTest::newRow("norm read by the ReLU and an Add") << true;
    }

    void graphModuleRunsNormAndReluAsOne()
    {
        QFETCH(bool, branch);
        const LayerRegistry& registry = LayerRegistry::builtin();
        Graph graph;
        const auto add = [&](const std::string& type, const nlohmann::json& params = nlohmann::json::object()) {
            return addLayer(graph, type, params);
        };
        const NodeId in = add("Input", {{"shape", {2, 6, 6}}});
        const NodeId conv = add("Conv2d", {{"out_channels", 4}, {"padding", 1}});
        const NodeId norm = add("BatchNorm2d");
        const NodeId relu = add("ReLU");
        const NodeId sum = add("Add");
        const NodeId flatten = add("Flatten");
        const NodeId head = add("Linear", {{"out_features", 3}});
        const NodeId out = add("Output");
        graph.addEdge({in, 0, conv, 0});
        graph.addEdge({conv, 0, norm, 0});
        graph.addEdge({norm, 0, relu, 0});
        graph.addEdge({relu, 0, sum, 0});
        graph.addEdge({branch ? norm : relu, 0, sum, 1});
        graph.addEdge({sum, 0, flatten, 0});
        graph.addEdge({flatten, 0, head, 0});
        graph.addEdge({head, 0, out, 0});
        GraphModule model(graph, registry);
        model->train();

        const auto module = [&](NodeId id) { return model->layerModule(id); };
        auto convolution = std::dynamic_pointer_cast<torch::nn::Conv2dImpl>(module(conv));
        auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(module(head));
        auto normModule = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(module(norm));
        const std::shared_ptr<torch::nn::BatchNorm2dImpl> separateNorm = copyOf(*normModule);

        const torch::Tensor x = torch::randn({8, 2, 6, 6});
        const torch::Tensor output = model->forward(x);
        QCOMPARE(graphHolds(output, "BatchNormRelu"), !branch);
        QCOMPARE(graphHolds(output, "NativeBatchNormBackward0"), branch);
        output.square().sum().backward();
        const torch::Tensor convGradient = convolution->weight.grad().clone();
        convolution->weight.mutable_grad().zero_();

        const torch::Tensor normalized = separateNorm->forward(convolution->forward(x));
        const torch::Tensor activated = torch::relu(normalized);
        const torch::Tensor expected = linear->forward((activated + (branch ? normalized : activated)).flatten(1));
        expected.square().sum().backward();

        QVERIFY(largestRelativeDifference(output, expected) < 1e-5);
        QVERIFY(largestRelativeDifference(convGradient, convolution->weight.grad()) < 1e-4);
        QVERIFY(largestRelativeDifference(normModule->running_var, separateNorm->running_var) < 1e-5);
        QCOMPARE(normModule->num_batches_tracked.item<int64_t>(), 1);

        model->eval(); // evaluation takes the layers' own path
        torch::NoGradGuard noGrad;
        separateNorm->eval();
        const torch::Tensor evaluatedNorm = separateNorm->forward(convolution->forward(x));
        const torch::Tensor evaluated = torch::relu(evaluatedNorm);
        const torch::Tensor expectedEvaluation =
            linear->forward((evaluated + (branch ? evaluatedNorm : evaluated)).flatten(1));
        QVERIFY(largestRelativeDifference(model->forward(x), expectedEvaluation) < 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestBatchNormRelu)
#include "tst_batchnormrelu.moc"
