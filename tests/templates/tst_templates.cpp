// The project templates of File > New from Template: each loads, infers its
// shapes cleanly, and its network learns: a few optimizer steps on one fixed
// random batch lower the loss.

#include "graph/layerregistry.h"
#include "model/graphmodule.h"
#include "model/modelsummary.h"
#include "project/project.h"

#include <QtTest/QtTest>

#include <fstream>

using namespace lepton;

namespace {

const std::string kTemplates = LEPTON_SOURCE_DIR "/resources/templates/";

nlohmann::json templateIndex()
{
    std::ifstream file(kTemplates + "index.json");
    return nlohmann::json::parse(file);
}

torch::Tensor batchOf(const Shape& shape, int64_t batch)
{
    std::vector<int64_t> sizes{batch};
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    return torch::rand(sizes);
}

} // namespace

class TestTemplates : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void indexListsEveryTemplate()
    {
        QStringList titles;
        for (const auto& entry : templateIndex()) {
            QVERIFY(!entry.at("description").get<std::string>().empty());
            titles << QString::fromStdString(entry.at("title").get<std::string>());
        }
        QCOMPARE(titles, (QStringList{"MLP", "LeNet-5", "Small VGG", "Residual CNN",
                                      "LSTM sequence classifier",
                                      "Transformer encoder classifier", "Autoencoder"}));
    }

    void templateTrains_data()
    {
        QTest::addColumn<QString>("file");
        for (const auto& entry : templateIndex()) {
            const std::string file = entry.at("file").get<std::string>();
            QTest::newRow(file.c_str()) << QString::fromStdString(file);
        }
    }

    void templateTrains()
    {
        QFETCH(QString, file);
        const Project project =
            loadProject(kTemplates + file.toStdString(), LayerRegistry::builtin());
        const ModelSummary summary = summarizeModel(project.graph, LayerRegistry::builtin());
        QVERIFY(summary.trainableParameters > 0);

        torch::manual_seed(5);
        GraphModule model(project.graph, LayerRegistry::builtin());
        const torch::Tensor inputs = batchOf(model->inputShape(), 8);
        const bool classifies = project.training.loss == LossKind::CrossEntropy;
        const torch::Tensor targets = classifies
            ? torch::randint(0, model->outputShape().back(), {8}, torch::kInt64)
            : batchOf(model->outputShape(), 8);
        auto lossOf = [&](const torch::Tensor& output) {
            return classifies ? torch::cross_entropy_loss(output, targets)
                              : torch::mse_loss(output, targets);
        };

        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
        model->train();
        double first = 0;
        double last = 0;
        for (int step = 0; step < 25; ++step) {
            optimizer.zero_grad();
            torch::Tensor loss = lossOf(model->forward(inputs));
            loss.backward();
            optimizer.step();
            (step == 0 ? first : last) = loss.item<double>();
        }
        QVERIFY2(std::isfinite(last) && last < 0.9 * first,
                 qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
    }
};

QTEST_GUILESS_MAIN(TestTemplates)
#include "tst_templates.moc"
