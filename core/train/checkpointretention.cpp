#include "train/checkpointretention.h"

#include "util/atomicfile.h"

#include <algorithm>
#include <cmath>
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

// ".last.ckpt.tmp-1234-0": what a killed write or link left behind.
bool isLeftoverTemporary(const std::string& name)
{
    return name.rfind('.', 0) == 0 && name.find(".ckpt.tmp-") != std::string::npos;
}

// Calls `visit` with every file in `folder`; a folder that cannot be listed has none.
template <typename Visit>
void forEachFile(const std::string& folder, Visit visit)
{
    std::error_code error;
    for (fs::directory_iterator it(folder, error); !error && it != fs::directory_iterator(); it.increment(error))
        visit(it->path());
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
    // An epoch recorded again replaces its entry, and any later ones: the
    // list never names an epoch twice.
    m_kept.erase(std::remove_if(m_kept.begin(), m_kept.end(), [epoch](const Kept& k) { return k.epoch >= epoch; }),
                 m_kept.end());
    // An epoch without a number to rank (no validation, NaN) is never among the best.
    m_kept.push_back({epoch, metric && std::isfinite(*metric) ? metric : std::nullopt});

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

void CheckpointRetention::removeUnlisted()
{
    forEachFile(m_folder, [this](const fs::path& path) {
        const std::string name = path.filename().string();
        if (!isEpochFile(name))
            return;
        const auto listed = std::find_if(m_kept.begin(), m_kept.end(),
                                         [&](const Kept& k) { return fs::path(epochPath(k.epoch)).filename() == name; });
        if (listed == m_kept.end()) {
            std::error_code ignored;
            fs::remove(path, ignored);
        }
    });
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
    if (!error)
        fs::rename(temporary, target, error);
    if (!error)
        return;
    std::error_code ignored;
    fs::remove(temporary, ignored);
    // A file system without hard links: a whole copy, written as atomically.
    try {
        writeFileAtomically(to, readFile(from));
    } catch (const std::exception& copyError) {
        throw std::runtime_error("cannot make " + to + " a copy of " + from + ": " + copyError.what());
    }
}

void removeCheckpoints(const std::string& folder) noexcept
{
    try {
        forEachFile(folder, [](const fs::path& path) {
            const std::string name = path.filename().string();
            if (name == "last.ckpt" || name == "best.ckpt" || isEpochFile(name) || isLeftoverTemporary(name)) {
                std::error_code ignored;
                fs::remove(path, ignored);
            }
        });
    } catch (...) { // out of memory: what stays is removed by the next fresh run
    }
}

} // namespace lepton
