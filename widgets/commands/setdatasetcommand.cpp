#include "commands/setdatasetcommand.h"

#include "commands/commandids.h"
#include "graphdocument.h"

namespace lepton {

namespace {

bool sameDataset(const DatasetSpec& a, const DatasetSpec& b)
{
    return a.source == b.source && a.params == b.params && a.split == b.split
        && a.preprocessing == b.preprocessing && a.augmentation == b.augmentation
        && a.classNames == b.classNames && a.target == b.target;
}

} // namespace

SetDatasetCommand::SetDatasetCommand(GraphDocument* document, DatasetSpec dataset,
                                     const QString& text, int session, QUndoCommand* parent)
    : QUndoCommand(text, parent)
    , m_document(document)
    , m_oldDataset(document->project().dataset)
    , m_newDataset(std::move(dataset))
    , m_session(session)
{
}

int SetDatasetCommand::id() const
{
    return int(CommandId::SetDataset);
}

bool SetDatasetCommand::mergeWith(const QUndoCommand* other)
{
    const auto* next = static_cast<const SetDatasetCommand*>(other);
    if (m_session == 0 || next->m_session != m_session || next->text() != text())
        return false;
    m_newDataset = next->m_newDataset;
    // Typed back to where it started: no step at all.
    setObsolete(sameDataset(m_newDataset, m_oldDataset));
    return true;
}

void SetDatasetCommand::redo()
{
    m_document->replaceDataset(m_newDataset);
}

void SetDatasetCommand::undo()
{
    m_document->replaceDataset(m_oldDataset);
}

} // namespace lepton
