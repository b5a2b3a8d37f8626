#pragma once

#include "commands/setsettingscommand.h"
#include "data/datasetspec.h"

namespace lepton {

bool sameSettings(const DatasetSpec& a, const DatasetSpec& b);

// Another source, one param of a group, a quality fix, an imported file.
class SetDatasetCommand : public SetSettingsCommand<DatasetSpec> {
public:
    SetDatasetCommand(GraphDocument* document, DatasetSpec dataset, const QString& text, int session = 0,
                      QUndoCommand* parent = nullptr);
};

} // namespace lepton
