#pragma once

#include "commands/commandids.h"

#include <QUndoCommand>

namespace lepton {

class GraphDocument;

// Replaces one group of the project's settings (the dataset, the training
// settings) as a whole, so undo and redo restore them exactly. Edits with the
// same text (which names the field, "Set split.validation") in one edit
// session (ParamEditor: while its editor keeps the focus) merge into one undo
// step; session 0 never merges.
template <typename Settings>
class SetSettingsCommand : public QUndoCommand {
public:
    using Apply = void (GraphDocument::*)(const Settings&);

    SetSettingsCommand(GraphDocument* document, Apply apply, CommandId id, Settings oldSettings,
                       Settings newSettings, const QString& text, int session, QUndoCommand* parent)
        : QUndoCommand(text, parent)
        , m_document(document)
        , m_apply(apply)
        , m_id(id)
        , m_old(std::move(oldSettings))
        , m_new(std::move(newSettings))
        , m_session(session)
    {
    }

    int id() const override { return int(m_id); }

    bool mergeWith(const QUndoCommand* other) override
    {
        const auto* next = static_cast<const SetSettingsCommand*>(other);
        if (m_session == 0 || next->m_session != m_session || next->text() != text())
            return false;
        m_new = next->m_new;
        // Typed back to where it started: no step at all.
        setObsolete(sameSettings(m_new, m_old));
        return true;
    }

    void redo() override { (m_document->*m_apply)(m_new); }
    void undo() override { (m_document->*m_apply)(m_old); }

private:
    GraphDocument* m_document;
    Apply m_apply;
    CommandId m_id;
    Settings m_old;
    Settings m_new;
    int m_session;
};

} // namespace lepton
