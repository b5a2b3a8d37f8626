#include "nodeitem.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "layerstyle.h"
#include "portitem.h"
#include "util/displaytext.h"

#include <QFontDatabase>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>

namespace lepton {

namespace {

constexpr qreal kBodyHeight = 60.0; // type and shape lines
constexpr qreal kPortSpacing = 20.0;
constexpr qreal kCorner = 6.0;

} // namespace

NodeItem::NodeItem(const GraphDocument* document, NodeId id)
    : m_document(document)
    , m_id(id)
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    refresh();
}

void NodeItem::refresh()
{
    const Node* node = m_document->graph().node(m_id);
    if (!node)
        return;
    const LayerRegistry& registry = m_document->registry();
    rebuildPorts(registry.inputCount(*node), registry.outputCount(*node));
    const QPointF position(node->position.x, node->position.y);
    if (pos() != position)
        setPos(position);
    updateToolTips();
    update();
}

qreal NodeItem::heightFor(int inputs, int outputs)
{
    const int rows = std::max(inputs, outputs);
    return kHeaderHeight + std::max(kBodyHeight, rows * kPortSpacing + 8.0);
}

qreal NodeItem::heightFor(const LayerRegistry& registry, const Node& node)
{
    return heightFor(registry.inputCount(node), registry.outputCount(node));
}

NodeStatus NodeItem::status() const
{
    const NodeShapes* shapes = m_document->nodeShapes(m_id);
    return shapes ? shapes->status : NodeStatus::Blocked;
}

bool NodeItem::hasError() const
{
    return status() == NodeStatus::Invalid;
}

PortItem* NodeItem::inputPort(int index) const
{
    return index >= 0 && index < int(m_inputs.size()) ? m_inputs[size_t(index)] : nullptr;
}

PortItem* NodeItem::outputPort(int index) const
{
    return index >= 0 && index < int(m_outputs.size()) ? m_outputs[size_t(index)] : nullptr;
}

QRectF NodeItem::boundingRect() const
{
    // Room for the selection halo and the drop shadow.
    return QRectF(0, 0, kWidth, m_height).adjusted(-4, -4, 4, 6);
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const Node* node = m_document->graph().node(m_id);
    if (!node)
        return;
    const LayerSpec* spec = m_document->registry().find(node->type);
    const NodeStatus state = status();
    const bool error = state == NodeStatus::Invalid;
    const bool open = state == NodeStatus::NotConnected;
    const QColor openColor(0xb0, 0x6f, 0x00);
    const QRectF body(0, 0, kWidth, m_height);
    painter->setRenderHint(QPainter::Antialiasing);

    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(0, 0, 0, 28));
    painter->drawRoundedRect(body.translated(0, 2), kCorner, kCorner);
    if (isSelected()) {
        painter->setBrush(QColor(0x2d, 0x7f, 0xf9, 70));
        painter->drawRoundedRect(body.adjusted(-3.5, -3.5, 3.5, 3.5), kCorner + 3, kCorner + 3);
    }

    QPen border(QColor(0xb8, 0xbf, 0xc9), 1.0);
    if (error)
        border = QPen(QColor(0xd9, 0x30, 0x25), 2.0);
    else if (open)
        border = QPen(openColor, 1.5, Qt::DashLine);
    else if (isSelected())
        border = QPen(QColor(0x2d, 0x7f, 0xf9), 1.5);
    paintCard(painter, body, kHeaderHeight, categoryColor(spec ? spec->category : std::string()),
              border, QString::fromStdString(displayText(node->name)));

    QFont font = painter->font();
    font.setBold(false);
    font.setPointSizeF(12.0);
    painter->setFont(font);
    painter->setPen(QColor(0x4a, 0x55, 0x63));
    const QString typeName = QString::fromStdString(spec ? spec->displayName : displayText(node->type));
    painter->drawText(QRectF(12, kHeaderHeight + 5, kWidth - 24, 24), Qt::AlignVCenter | Qt::AlignLeft,
                      typeName);

    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(13.0);
    painter->setFont(mono);
    const QString shape = error ? QObject::tr("shape error")
                                : open ? QObject::tr("not connected") : shapeText();
    painter->setPen(error ? QColor(0xd9, 0x30, 0x25) : open ? openColor : QColor(0x1f, 0x29, 0x33));
    const QRectF shapeRect(12, kHeaderHeight + 30, kWidth - 24, 24);
    painter->drawText(shapeRect, Qt::AlignVCenter | Qt::AlignLeft,
                      painter->fontMetrics().elidedText(shape, Qt::ElideRight, int(shapeRect.width())));
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    auto* graphScene = qobject_cast<GraphScene*>(scene());
    if (change == ItemPositionChange && graphScene)
        return graphScene->dragPosition(value.toPointF());
    if (change == ItemPositionHasChanged) {
        if (graphScene)
            graphScene->nodeItemMoved(m_id);
    }
    return QGraphicsItem::itemChange(change, value);
}

void NodeItem::rebuildPorts(int inputs, int outputs)
{
    if (int(m_inputs.size()) == inputs && int(m_outputs.size()) == outputs && m_height > 0)
        return;
    prepareGeometryChange();
    deletePorts(m_inputs);
    deletePorts(m_outputs);

    m_height = heightFor(inputs, outputs);
    // Ports sit evenly down the body, centred as a group.
    auto placePorts = [this](int count, PortItem::Direction direction, qreal x,
                             std::vector<PortItem*>& ports) {
        const qreal bodyHeight = m_height - kHeaderHeight;
        const qreal top = kHeaderHeight + (bodyHeight - (count - 1) * kPortSpacing) / 2.0;
        for (int i = 0; i < count; ++i) {
            auto* port = new PortItem(m_id, direction, i, this);
            port->setPos(x, top + i * kPortSpacing);
            ports.push_back(port);
        }
    };
    placePorts(inputs, PortItem::Direction::Input, 0.0, m_inputs);
    placePorts(outputs, PortItem::Direction::Output, kWidth, m_outputs);
}

void NodeItem::updateToolTips()
{
    const Node* node = m_document->graph().node(m_id);
    const LayerRegistry& registry = m_document->registry();
    const LayerSpec* spec = registry.find(node->type);
    const NodeShapes* shapes = m_document->nodeShapes(m_id);

    QString tip = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(describeNode(*node)).toHtmlEscaped());
    if (spec && !spec->description.empty())
        tip += QStringLiteral("<br>%1").arg(QString::fromStdString(spec->description).toHtmlEscaped());
    if (shapes && !shapes->error.empty())
        tip += QStringLiteral("<br><span style='color:#d93025'>%1</span>")
                   .arg(QString::fromStdString(shapes->error).toHtmlEscaped());
    else if (shapes && !shapes->outputs.empty())
        tip += QObject::tr("<br>Output: %1").arg(shapeListText(shapes->outputs));
    setToolTip(tip);

    auto portTip = [](const std::string& name, const std::vector<TensorType>* shapesOfPorts, size_t i) {
        QString text = QString::fromStdString(name);
        if (shapesOfPorts && i < shapesOfPorts->size() && !(*shapesOfPorts)[i].shape.empty())
            text += QStringLiteral(": ")
                + QString::fromStdString(tensorTypeToString((*shapesOfPorts)[i]));
        return text;
    };
    for (size_t i = 0; i < m_inputs.size(); ++i)
        m_inputs[i]->setToolTip(portTip(registry.inputPortName(*node, int(i)),
                                        shapes ? &shapes->inputs : nullptr, i));
    for (size_t i = 0; i < m_outputs.size(); ++i)
        m_outputs[i]->setToolTip(portTip(registry.outputPortName(*node, int(i)),
                                         shapes ? &shapes->outputs : nullptr, i));
}

QString NodeItem::shapeText() const
{
    const NodeShapes* shapes = m_document->nodeShapes(m_id);
    if (!shapes)
        return QStringLiteral("?");
    if (!shapes->outputs.empty())
        return QStringLiteral("\u2192 ") + shapeListText(shapes->outputs);
    // A sink (Output) shows what reaches it.
    if (m_outputs.empty() && !shapes->inputs.empty() && !shapes->inputs.front().shape.empty())
        return QStringLiteral("\u2190 ") + shapeListText(shapes->inputs);
    return QStringLiteral("?");
}

} // namespace lepton
