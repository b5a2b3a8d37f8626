#include "layerstyle.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QStringList>

#include <map>

namespace lepton {

QColor categoryColor(const std::string& category)
{
    static const std::map<std::string, QColor> colors = {
        {"Input/Output", QColor(0x4b, 0x5b, 0x70)},
        {"Dense", QColor(0x2f, 0x6f, 0xd0)},
        {"Convolution", QColor(0x1f, 0x8f, 0x82)},
        {"Pooling", QColor(0x6f, 0x55, 0xc2)},
        {"Normalization", QColor(0xb7, 0x7a, 0x12)},
        {"Regularization", QColor(0x8a, 0x65, 0x58)},
        {"Reshape", QColor(0x55, 0x73, 0x82)},
        {"Activation", QColor(0xd4, 0x6a, 0x2a)},
        {"Merge", QColor(0x3d, 0x9a, 0x48)},
        {"Recurrent", QColor(0xb0, 0x3a, 0x6e)},
        {"Sequence", QColor(0x8e, 0x44, 0xad)},
        {"Attention", QColor(0xc0, 0x39, 0x2b)},
        {"Blocks", QColor(0x37, 0x41, 0x51)}, // the palette's blocks and collapsed blocks
    };
    auto it = colors.find(category);
    return it == colors.end() ? QColor(0x70, 0x70, 0x70) : it->second;
}

QIcon categoryIcon(const std::string& category)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(categoryColor(category));
    painter.drawRoundedRect(QRectF(1, 1, 12, 12), 3, 3);
    return QIcon(pixmap);
}

void paintCard(QPainter* painter, const QRectF& body, qreal headerHeight,
               const QColor& headerColor, const QPen& border, const QString& title)
{
    constexpr qreal corner = 6.0;
    QPainterPath outline;
    outline.addRoundedRect(body, corner, corner);
    painter->fillPath(outline, Qt::white);
    painter->save();
    painter->setClipRect(QRectF(body.left(), body.top(), body.width(), headerHeight));
    painter->fillPath(outline, headerColor);
    painter->restore();
    painter->setPen(border);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(outline);

    QFont font = painter->font();
    // Large enough to stay legible when a whole graph is fitted into view.
    font.setPointSizeF(14.0);
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(Qt::white);
    const QRectF titleRect(body.left() + 10, body.top(), body.width() - 20, headerHeight);
    painter->drawText(titleRect, Qt::AlignVCenter | Qt::AlignLeft,
                      painter->fontMetrics().elidedText(title, Qt::ElideRight,
                                                        int(titleRect.width())));
}

QString compactTypeText(const TensorType& type)
{
    QStringList dims;
    for (int64_t dim : type.shape)
        dims << QString::number(dim);
    QString text = dims.join(QChar(0x00d7));
    if (type.dtype != DType::Float32)
        text += QLatin1Char(' ') + QString::fromStdString(dtypeName(type.dtype));
    return text;
}

QString shapeListText(const std::vector<TensorType>& types)
{
    QStringList parts;
    for (const TensorType& type : types)
        parts << QString::fromStdString(tensorTypeToString(type));
    return parts.join(QStringLiteral(", "));
}

} // namespace lepton
