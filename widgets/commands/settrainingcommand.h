#pragma once

#include "commands/setsettingscommand.h"
#include "train/trainingconfig.h"

namespace lepton {

bool sameSettings(const TrainingConfig& a, const TrainingConfig& b);

// One training setting changed in the settings panel.
class SetTrainingCommand : public SetSettingsCommand<TrainingConfig> {
public:
    SetTrainingCommand(GraphDocument* document, TrainingConfig training, const QString& text, int session = 0,
                       QUndoCommand* parent = nullptr);
};

} // namespace lepton
