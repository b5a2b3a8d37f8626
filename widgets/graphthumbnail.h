#pragma once

#include "graph/graph.h"

#include <QPixmap>
#include <QSize>

namespace lepton {

// A small picture of a network: each layer a box in its category's colour,
// each wire a line, scaled to fit `size`. For galleries and previews, where
// reading the layers matters less than seeing the shape of the network.
QPixmap graphThumbnail(const Graph& graph, QSize size);

} // namespace lepton
