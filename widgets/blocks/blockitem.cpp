#include "blocks/blockitem.h"

#include "graph/layerregistry.h"
#include "graphdocument.h"
#include "graphscene.h"
#include "layerstyle.h"
#include "portitem.h"

#include <QFontDatabase>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

#include <algorithm>
#include <limits>

namespace lepton {

namespace {

constexpr qreal kHeaderHeight = 34.0;
constexpr qreal kSubtitleHeight = 28.0; // the block's name and size
constexpr qreal kPortSpacing = 22.0;
constexpr qreal kMinBodyHeight = 60.0;
constexpr qreal kCorner = 6.0;

qreal portY(int index)
{
    return kHeaderHeight + kSubtitleHeight + kPortSpacing / 2 + index * kPortSpacing;
}

bool samePorts(const std::vector<BlockPort>& a, const std::vector<BlockPort>& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

} // namespace

BlockItem::BlockItem(const GraphDocument* document, std::string group)
    : m_document(document)
    , m_group(std::move(group))
{
    setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
    refresh();
}

void BlockItem::refresh()
{
    const NodeGroup* group = m_document->group(m_group);
    if (!group)
        return;
    const Graph& graph = m_document->graph();
    rebuildPorts(groupPorts(graph, *group, m_document->block(group->block), m_document->registry()));

    Position topLeft{std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
    for (NodeId id : group->nodes) {
        if (const Node* node = graph.node(id)) {
            topLeft.x = std::min(topLeft.x, node->position.x);
            topLeft.y = std::min(topLeft.y, node->position.y);
        }
    }
    const QPointF position(topLeft.x, topLeft.y);
    if (pos() != position) {
        m_placing = true;
        setPos(position);
        m_placing = false;
    }
    m_lastPos = pos();
    updateToolTips();
    update();
}

PortItem* BlockItem::inputPort(NodeId node, int port) const
{
    const auto it = std::find(m_ports.inputs.begin(), m_ports.inputs.end(), BlockPort{node, port});
    return it == m_ports.inputs.end() ? nullptr : m_inputs[size_t(it - m_ports.inputs.begin())];
}

PortItem* BlockItem::outputPort(NodeId node, int port) const
{
    const auto it = std::find(m_ports.outputs.begin(), m_ports.outputs.end(), BlockPort{node, port});
    return it == m_ports.outputs.end() ? nullptr : m_outputs[size_t(it - m_ports.outputs.begin())];
}

QRectF BlockItem::boundingRect() const
{
    return QRectF(0, 0, kWidth, m_height).adjusted(-4, -4, 4, 6);
}

void BlockItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const NodeGroup* group = m_document->group(m_group);
    if (!group)
        return;
    const QRectF body(0, 0, kWidth, m_height);
    painter->setRenderHint(QPainter::Antialiasing);

    // A second card peeking out behind: several layers in one.
    painter->setPen(QPen(QColor(0xb8, 0xbf, 0xc9), 1.0));
    painter->setBrush(QColor(0xf7, 0xf8, 0xfa));
    painter->drawRoundedRect(body.translated(5, 5), kCorner, kCorner);
    if (isSelected()) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(0x2d, 0x7f, 0xf9, 70));
        painter->drawRoundedRect(body.adjusted(-3.5, -3.5, 3.5, 3.5), kCorner + 3, kCorner + 3);
    }
    QPen border(QColor(0xb8, 0xbf, 0xc9), 1.0);
    if (hasError())
        border = QPen(QColor(0xd9, 0x30, 0x25), 2.0);
    else if (isSelected())
        border = QPen(QColor(0x2d, 0x7f, 0xf9), 1.5);
    paintCard(painter, body, kHeaderHeight, categoryColor("Blocks"), border,
              QString::fromStdString(group->name));

    QFont font = painter->font();
    font.setBold(false);
    font.setPointSizeF(12.0);
    painter->setFont(font);
    painter->setPen(QColor(0x4a, 0x55, 0x63));
    const QString what = group->block.empty()
        ? QObject::tr("%1 layers").arg(group->nodes.size())
        : QObject::tr("block %1 \u00b7 %2 layers").arg(QString::fromStdString(group->block)).arg(group->nodes.size());
    const QRectF whatRect(12, kHeaderHeight + 2, kWidth - 24, kSubtitleHeight - 4);
    painter->drawText(whatRect, Qt::AlignVCenter | Qt::AlignLeft,
                      painter->fontMetrics().elidedText(what, Qt::ElideRight, int(whatRect.width())));

    // Output shapes on the right of their rows; input names take the rest.
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSizeF(11.0);
    const QFontMetricsF monoMetrics(mono);
    const qreal inner = kWidth - 24;
    const size_t rows = std::max(m_ports.inputs.size(), m_ports.outputs.size());
    for (size_t i = 0; i < rows; ++i) {
        const QRectF row(12, portY(int(i)) - kPortSpacing / 2, inner, kPortSpacing);
        qreal taken = 0;
        if (i < m_ports.outputs.size()) {
            const QString shape = outputText(m_ports.outputs[i]);
            taken = std::min(monoMetrics.horizontalAdvance(shape) + 10, inner / 2);
            painter->setFont(mono);
            painter->setPen(QColor(0x1f, 0x29, 0x33));
            painter->drawText(row, Qt::AlignVCenter | Qt::AlignRight,
                              painter->fontMetrics().elidedText(shape, Qt::ElideLeft, int(inner / 2)));
        }
        if (i < m_ports.inputs.size()) {
            painter->setFont(font);
            painter->setPen(QColor(0x4a, 0x55, 0x63));
            painter->drawText(row, Qt::AlignVCenter | Qt::AlignLeft,
                              painter->fontMetrics().elidedText(inputText(m_ports.inputs[i]), Qt::ElideRight,
                                                                int(inner - taken)));
        }
    }
}

QVariant BlockItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    auto* graphScene = qobject_cast<GraphScene*>(scene());
    if (change == ItemPositionChange && graphScene)
        return graphScene->dragPosition(value.toPointF());
    if (change == ItemPositionHasChanged) {
        const QPointF delta = pos() - m_lastPos;
        m_lastPos = pos();
        if (graphScene && !m_placing)
            graphScene->blockItemMoved(m_group, delta);
    }
    return QGraphicsItem::itemChange(change, value);
}

void BlockItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent* event)
{
    // Expanding deletes this item: not while it handles its own event.
    if (auto* graphScene = qobject_cast<GraphScene*>(scene())) {
        QMetaObject::invokeMethod(
            graphScene, [graphScene, group = m_group] { graphScene->setGroupCollapsed(group, false); },
            Qt::QueuedConnection);
    }
    event->accept();
}

void BlockItem::rebuildPorts(const GroupPorts& ports)
{
    if (m_height > 0 && samePorts(ports.inputs, m_ports.inputs) && samePorts(ports.outputs, m_ports.outputs))
        return;
    prepareGeometryChange();
    deletePorts(m_inputs);
    deletePorts(m_outputs);
    m_ports = ports;
    const size_t rows = std::max(ports.inputs.size(), ports.outputs.size());
    m_height = kHeaderHeight + std::max(kMinBodyHeight, kSubtitleHeight + rows * kPortSpacing + 6.0);
    for (size_t i = 0; i < ports.inputs.size(); ++i) {
        auto* port = new PortItem(ports.inputs[i].node, PortItem::Direction::Input, ports.inputs[i].port, this);
        port->setPos(0, portY(int(i)));
        m_inputs.push_back(port);
    }
    for (size_t i = 0; i < ports.outputs.size(); ++i) {
        auto* port = new PortItem(ports.outputs[i].node, PortItem::Direction::Output, ports.outputs[i].port, this);
        port->setPos(kWidth, portY(int(i)));
        m_outputs.push_back(port);
    }
}

void BlockItem::updateToolTips()
{
    const NodeGroup* group = m_document->group(m_group);
    const Graph& graph = m_document->graph();
    QStringList names;
    QString problem;
    for (NodeId id : group->nodes) {
        const Node* node = graph.node(id);
        const NodeShapes* shapes = m_document->nodeShapes(id);
        if (!node)
            continue;
        names << QString::fromStdString(node->name).toHtmlEscaped();
        if (problem.isEmpty() && shapes && shapes->status == NodeStatus::Invalid)
            problem = QString::fromStdString(shapes->error).toHtmlEscaped();
    }
    QString tip = QStringLiteral("<b>%1</b>").arg(QString::fromStdString(group->name).toHtmlEscaped());
    if (!group->block.empty())
        tip += QObject::tr(" (block %1)").arg(QString::fromStdString(group->block).toHtmlEscaped());
    tip += QObject::tr("<br>Layers: %1<br>Double-click to expand").arg(names.join(QStringLiteral(", ")));
    if (!problem.isEmpty())
        tip += QStringLiteral("<br><span style='color:#d93025'>%1</span>").arg(problem);
    setToolTip(tip);
    for (size_t i = 0; i < m_inputs.size(); ++i)
        m_inputs[i]->setToolTip(inputText(m_ports.inputs[i]));
    for (size_t i = 0; i < m_outputs.size(); ++i) {
        const Node* node = graph.node(m_ports.outputs[i].node);
        const QString shape = outputText(m_ports.outputs[i]);
        m_outputs[i]->setToolTip(QStringLiteral("%1%2").arg(
            QString::fromStdString(node ? node->name : std::string()),
            shape.isEmpty() ? QString() : QStringLiteral(": ") + shape));
    }
}

QString BlockItem::inputText(const BlockPort& port) const
{
    const Node* node = m_document->graph().node(port.node);
    if (!node)
        return {};
    const LayerRegistry& registry = m_document->registry();
    QString text = QString::fromStdString(node->name);
    if (registry.inputCount(*node) > 1)
        text += QLatin1Char('.') + QString::fromStdString(registry.inputPortName(*node, port.port));
    return text;
}

QString BlockItem::outputText(const BlockPort& port) const
{
    const NodeShapes* shapes = m_document->nodeShapes(port.node);
    if (!shapes || size_t(port.port) >= shapes->outputs.size())
        return {};
    return QStringLiteral("\u2192 ") + compactTypeText(shapes->outputs[size_t(port.port)]);
}

bool BlockItem::hasError() const
{
    const NodeGroup* group = m_document->group(m_group);
    return group && std::any_of(group->nodes.begin(), group->nodes.end(), [this](NodeId id) {
               const NodeShapes* shapes = m_document->nodeShapes(id);
               return shapes && shapes->status == NodeStatus::Invalid;
           });
}

} // namespace lepton
