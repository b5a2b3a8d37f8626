#include "train/preflight.h"

#include "data/datasplit.h"
#include "graph/layerregistry.h"
#include "graph/shapeinference.h"
#include "model/modelsummary.h"
#include "train/computedevices.h"
#include "train/runchecks.h"

namespace lepton {

namespace {

void addProblem(std::vector<std::string>& problems, const std::string& problem)
{
    if (!problem.empty())
        problems.push_back(problem);
}

std::string dataSummaryOf(const PreparedData& data)
{
    std::string text = std::to_string(data.split.train.size()) + " training samples, "
        + std::to_string(data.split.validation.size()) + " for validation";
    const size_t test = data.test ? size_t(data.test->size()) : data.split.test.size();
    if (test > 0)
        text += ", " + std::to_string(test) + " for test";
    if (data.data.task == TaskType::Classification)
        text += ", " + std::to_string(data.data.numClasses) + " classes";
    return text;
}

// The model's Input and Output, as the run would build them; problems of the
// graph itself are the editor's and inspect's table's to show.
void checkFit(const Project& project, const PreparedData& data, std::vector<std::string>& problems)
{
    const ShapeReport shapes = inferShapes(project.graph, LayerRegistry::builtin());
    if (!modelProblems(project.graph, shapes).empty())
        return;
    const ModelSummary summary = summarizeModel(project.graph, shapes);
    const Node& input = *project.graph.node(summary.inputNode);
    const Node& output = *project.graph.node(summary.outputNode);
    const Shape& inputShape = shapes.nodes.at(input.id).outputs.at(0).shape;
    const Shape& outputShape = shapes.nodes.at(output.id).inputs.at(0).shape;
    for (const Dataset* set : {&data.data, data.test ? &*data.test : nullptr}) {
        if (set)
            addProblem(problems, dataFitProblem(*set, project.training, input, inputShape, output, outputShape));
    }
}

} // namespace

PreflightReport preflightProject(const Project& project, const std::string& baseDir,
                                 const std::atomic<bool>* stop)
{
    PreflightReport report;
    addProblem(report.problems, configProblem(project.training));
    addProblem(report.problems, deviceProblem(project.training.device));
    for (const std::string& missing : missingDataFiles(project.dataset, baseDir))
        report.problems.push_back("dataset." + missing);
    if (!report.problems.empty() && report.problems.back().rfind("dataset.", 0) == 0)
        return report;
    PreparedData data;
    try {
        data = prepareData(project.dataset, DataLoadContext{baseDir, stop});
    } catch (const DataCancelled&) {
        return report;
    } catch (const std::exception& error) {
        report.problems.push_back(std::string("dataset: ") + error.what());
        return report;
    }
    report.dataSummary = dataSummaryOf(data);
    checkFit(project, data, report.problems);
    addProblem(report.problems, monitorProblem(project.training, !data.split.validation.empty(),
                                               data.data.task == TaskType::Classification));
    return report;
}

} // namespace lepton
