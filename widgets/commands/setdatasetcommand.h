#pragma once

#include "data/datasetspec.h"

#include <QUndoCommand>

namespace lepton {

class GraphDocument;

// Replaces the project's dataset settings: another source, one param of a
// group, a quality fix, an imported file. Both whole specs are kept, so undo
// and redo restore them exactly. Edits with the same text (which names the
// field, "Set split.validation") in one edit session (ParamEditor: while its
// editor keeps the focus) merge into one undo step; session 0 never merges.
class SetDatasetCommand : public QUndoCommand {
public:
    SetDatasetCommand(GraphDocument* document, DatasetSpec dataset, const QString& text,
                      int session = 0, QUndoCommand* parent = nullptr);

    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;
    void redo() override;
    void undo() override;

private:
    GraphDocument* m_document;
    DatasetSpec m_oldDataset;
    DatasetSpec m_newDataset;
    int m_session;
};

} // namespace lepton
