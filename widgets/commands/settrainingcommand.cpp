#include "commands/settrainingcommand.h"

#include "graphdocument.h"

namespace lepton {

bool sameSettings(const TrainingConfig& a, const TrainingConfig& b)
{
    return trainingToJson(a) == trainingToJson(b);
}

SetTrainingCommand::SetTrainingCommand(GraphDocument* document, TrainingConfig training, const QString& text,
                                       int session, QUndoCommand* parent)
    : SetSettingsCommand(document, &GraphDocument::replaceTraining, CommandId::SetTraining,
                         document->project().training, std::move(training), text, session, parent)
{
}

} // namespace lepton
