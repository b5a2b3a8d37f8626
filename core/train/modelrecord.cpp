#include "train/modelrecord.h"

#include "project/graphjson.h"
#include "project/project.h"

namespace lepton {

nlohmann::json modelRecord(const TrainingJob& job, const PreparedData& data)
{
    const Dataset& set = data.data;
    return {{"graph", graphToJson(job.graph)},
            {"dataset", datasetToJson(job.dataset)},
            {"training", trainingToJson(job.config)},
            {"input", {{"shape", set.featureShape}, {"dtype", set.featureDType == DType::Int64 ? "int64" : "float32"}}},
            {"task", set.task == TaskType::Classification ? "classification" : "regression"},
            {"target", job.dataset.target == DatasetSpec::Target::Input ? "input" : "labels"},
            {"num_classes", set.numClasses},
            {"class_names", set.classNames},
            {"encoding", set.encoding},
            {"normalization", data.scaling.toJson()}};
}

} // namespace lepton
