#pragma once

#include "graph/shape.h"

#include <QColor>
#include <QPen>
#include <QRectF>
#include <QIcon>
#include <QString>

#include <string>
#include <vector>

class QPainter;

namespace lepton {

// Colour of a layer category (LayerSpec::category), shared by the node
// headers on the canvas and the palette icons so both read the same.
QColor categoryColor(const std::string& category);
// A small rounded square in the category's colour, for lists and menus.
QIcon categoryIcon(const std::string& category);

// A node card as the canvas draws layers and collapsed blocks: a white
// rounded body, a header in `headerColor` with `title` in bold white, and the
// outline in `border`.
void paintCard(QPainter* painter, const QRectF& body, qreal headerHeight,
               const QColor& headerColor, const QPen& border, const QString& title);

// "32×28×28" (with " int64" for token ids): short enough to label a wire.
QString compactTypeText(const TensorType& type);

// "[64]", or "[16, 28, 28], [32]" for several shapes.
QString shapeListText(const std::vector<TensorType>& types);

} // namespace lepton
