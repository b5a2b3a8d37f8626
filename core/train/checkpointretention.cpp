#include "train/checkpointretention.h"

#include "train/trainer.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace fs = std::filesystem;

namespace lepton {

namespace {

bool isEpochFile(const std::string& name)
{
    return name.rfind("epoch-", 0) == 0 && fs::path(name).extension() == ".ckpt";
}

} // namespace

CheckpointRetention::CheckpointRetention(std::string folder, int keepLast, int keepBest, bool higherIsBetter)
    : m_folder(std::move(folder))
    , m_keepLast(std::max(1, keepLast))
    , m_keepBest(std::max(1, keepBest))
    , m_higherIsBetter(higherIsBetter)
{
}

std::string CheckpointRetention::epochPath(int epoch) const
{
    char name[32];
    std::snprintf(name, sizeof name, "epoch-%04d.ckpt", epoch);
    return (fs::path(m_folder) / name).string();
}

bool CheckpointRetention::better(const Kept& a, const Kept& b) const
{
    if (a.metric.has_value() != b.metric.has_value())
        return a.metric.has_value(); // an epoch without the metric is never among the best
    if (a.metric && *a.metric != *b.metric)
        return m_higherIsBetter ? *a.metric > *b.metric : *a.metric < *b.metric;
    return a.epoch < b.epoch; // of equals, the first to reach it
}

void CheckpointRetention::record(int epoch, std::optional<double> metric)
{
    // A resumed run trains again the epoch its checkpoint stopped within.
    m_kept.erase(std::remove_if(m_kept.begin(), m_kept.end(), [epoch](const Kept& k) { return k.epoch >= epoch; }),
                 m_kept.end());
    m_kept.push_back({epoch, metric});

    std::vector<Kept> ranked = m_kept;
    std::sort(ranked.begin(), ranked.end(), [this](const Kept& a, const Kept& b) { return better(a, b); });
    const auto keeps = [&](const Kept& candidate) {
        const bool latest = candidate.epoch > epoch - m_keepLast;
        const auto place = std::find_if(ranked.begin(), ranked.end(),
                                        [&](const Kept& k) { return k.epoch == candidate.epoch; });
        const bool best = candidate.metric && place - ranked.begin() < m_keepBest;
        return latest || best;
    };
    std::vector<Kept> kept;
    for (const Kept& candidate : m_kept) {
        if (keeps(candidate))
            kept.push_back(candidate);
        else
            m_dropped.push_back(candidate.epoch);
    }
    m_kept = std::move(kept);
}

void CheckpointRetention::removeDropped()
{
    std::error_code ignored;
    for (int epoch : m_dropped)
        fs::remove(epochPath(epoch), ignored);
    m_dropped.clear();
}

nlohmann::json CheckpointRetention::state() const
{
    nlohmann::json kept = nlohmann::json::array();
    for (const Kept& k : m_kept)
        kept.push_back({{"epoch", k.epoch}, {"metric", k.metric ? nlohmann::json(*k.metric) : nlohmann::json()}});
    return kept;
}

void CheckpointRetention::restore(const nlohmann::json& state)
{
    m_kept.clear();
    for (const nlohmann::json& k : state) {
        const nlohmann::json& metric = k.at("metric");
        m_kept.push_back({k.at("epoch").get<int>(),
                          metric.is_number() ? std::optional<double>(metric.get<double>()) : std::nullopt});
    }
}

void replaceWithLink(const std::string& from, const std::string& to)
{
    // Named as atomicfile's temporary files are, so a killed run's is removed on the next save.
    const fs::path target(to);
    const fs::path temporary =
        target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(getpid()) + "-link");
    std::error_code error;
    fs::remove(temporary, error);
    fs::create_hard_link(from, temporary, error);
    if (error) // a file system without hard links
        fs::copy_file(from, temporary, error);
    if (!error)
        fs::rename(temporary, target, error);
    if (error) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw std::runtime_error("cannot make " + to + " a copy of " + from + ": " + error.message());
    }
}

void removeCheckpoints(const std::string& folder) noexcept
{
    std::error_code ignored;
    fs::remove(lastCheckpointPath(folder), ignored);
    fs::remove(bestCheckpointPath(folder), ignored);
    std::error_code listing;
    for (fs::directory_iterator it(folder, listing); !listing && it != fs::directory_iterator(); it.increment(listing)) {
        if (isEpochFile(it->path().filename().string()))
            fs::remove(it->path(), ignored);
    }
}

} // namespace lepton
