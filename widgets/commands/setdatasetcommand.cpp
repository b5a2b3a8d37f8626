#include "commands/setdatasetcommand.h"

#include "graphdocument.h"

namespace lepton {

bool sameSettings(const DatasetSpec& a, const DatasetSpec& b)
{
    return a.source == b.source && a.params == b.params && a.split == b.split
        && a.preprocessing == b.preprocessing && a.augmentation == b.augmentation
        && a.classNames == b.classNames && a.target == b.target;
}

SetDatasetCommand::SetDatasetCommand(GraphDocument* document, DatasetSpec dataset, const QString& text,
                                     int session, QUndoCommand* parent)
    : SetSettingsCommand(document, &GraphDocument::replaceDataset, CommandId::SetDataset,
                         document->project().dataset, std::move(dataset), text, session, parent)
{
}

} // namespace lepton
