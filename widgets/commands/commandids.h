#pragma once

namespace lepton {

// QUndoCommand::id() of the commands that merge into their predecessor.
enum class CommandId {
    MoveNodes = 1,
    SetParam,
    SetDataset,
    SetTraining,
};

} // namespace lepton
