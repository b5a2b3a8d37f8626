#pragma once

#include "train/trainingconfig.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>

namespace lepton {

// Follows one metric epoch by epoch: whether it improved on its best by
// more than `minDelta`, and for how many epochs it has not.
class MetricWatch {
public:
    MetricWatch(bool higherIsBetter, double minDelta);

    // Records an epoch's value; true when it is a new best.
    bool update(double value);
    std::optional<double> best() const { return m_best; }
    int epochsWithoutImprovement() const { return m_stale; }
    void restartCount() { m_stale = 0; }
    // For checkpoints.
    nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    bool m_higherIsBetter;
    double m_minDelta;
    std::optional<double> m_best;
    int m_stale = 0;
};

// The learning rate of every step under the configured schedule and linear
// warm-up, computed from the position in the run (and, for the plateau
// schedule, the monitored metric), so a resumed run continues exactly.
// Epochs after the warm-up are where the schedule starts counting, as
// PyTorch's SequentialLR would.
class LearningRateSchedule {
public:
    LearningRateSchedule(const TrainingConfig& config, int64_t batchesPerEpoch);

    // The rate of batch `batch` (0-based) of epoch `epoch` (1-based).
    double rate(int epoch, int64_t batch) const;
    // Called after every epoch with the monitored metric, when there is one.
    void epochEnded(std::optional<double> metric);

    double plateauFactor() const { return m_plateauFactor; }
    // What the plateau schedule has learnt, for checkpoints.
    nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    const TrainingConfig m_config;
    int64_t m_batchesPerEpoch;
    double m_plateauFactor = 1.0;
    MetricWatch m_plateau;
};

} // namespace lepton
