#include "blocks/blockmime.h"

#include "project/blockjson.h"
#include "project/project.h"

namespace lepton {

QByteArray blockToMimeBytes(const BlockDefinition& block)
{
    return QByteArray::fromStdString(blockToJson(block).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<BlockDefinition> blockFromMimeBytes(const QByteArray& bytes, const LayerRegistry& registry,
                                                  std::string* problem)
{
    std::string reason = "the dropped data is not JSON";
    const nlohmann::json json = nlohmann::json::parse(bytes.toStdString(), nullptr, false);
    if (!json.is_discarded()) {
        try {
            return blockFromJson(JsonReader(json, {}), registry);
        } catch (const ProjectError& error) {
            reason = error.what();
        }
    }
    if (problem)
        *problem = reason;
    return std::nullopt;
}

} // namespace lepton
