#pragma once

#include "graph/block.h"

#include <QByteArray>

#include <optional>
#include <string>

namespace lepton {

class LayerRegistry;

// Drag payload of a block from the palette: the block as UTF-8 JSON in the
// form a project's "blocks" entries take, so a drop needs nothing else.
inline constexpr char kBlockMimeType[] = "application/x-lepton-block+json";

QByteArray blockToMimeBytes(const BlockDefinition& block);
// The block in `bytes`, checked against the registry; nothing, with the
// reason in `problem`, for damaged or foreign data. Never throws.
std::optional<BlockDefinition> blockFromMimeBytes(const QByteArray& bytes, const LayerRegistry& registry,
                                                  std::string* problem = nullptr);

} // namespace lepton
