#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lepton {

// Which epochs' checkpoints a run keeps in its folder beside last.ckpt (the
// latest state, what a resume continues) and best.ckpt: the latest
// `keepLast` epochs and the `keepBest` best by the monitored metric, each as
// epoch-NNNN.ckpt. With both at 1 there are no epoch files: last.ckpt and
// best.ckpt are those two. Files that stay the same checkpoint are hard links
// where the file system allows, so keeping one costs no second copy.
class CheckpointRetention {
public:
    CheckpointRetention(std::string folder, int keepLast, int keepBest, bool higherIsBetter);

    bool keepsEpochFiles() const { return m_keepLast > 1 || m_keepBest > 1; }
    std::string epochPath(int epoch) const;

    // Epoch `epoch` ended with `metric` (none without one): it joins the kept
    // epochs and those it pushes out are dropped, their files removed by
    // removeDropped() once its own checkpoint is written.
    void record(int epoch, std::optional<double> metric);
    void removeDropped();
    // Removes the epoch files the kept epochs do not list: a resumed run's
    // start, after a kill between writing a checkpoint and removing drops,
    // or with smaller numbers to keep than before.
    void removeUnlisted();

    // The kept epochs, for the checkpoint, and back from it on resume.
    nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    struct Kept {
        int epoch = 0;
        std::optional<double> metric;
    };
    bool better(const Kept& a, const Kept& b) const;

    std::string m_folder;
    int m_keepLast;
    int m_keepBest;
    bool m_higherIsBetter;
    std::vector<Kept> m_kept; // by epoch
    std::vector<int> m_dropped;
};

// Makes `to` the same file as `from`, atomically: a hard link renamed over
// it, or a copy where links are not possible. Throws std::runtime_error
// naming both files.
void replaceWithLink(const std::string& from, const std::string& to);

// Removes every checkpoint in `folder` (last, best and epoch files, and
// temporary files killed writes left): a fresh run's start, so another
// run's are never resumed as its own. Best effort.
void removeCheckpoints(const std::string& folder) noexcept;

} // namespace lepton
