#include "train/lrschedule.h"

#include <algorithm>
#include <cmath>

namespace lepton {

namespace {

constexpr double kPi = 3.14159265358979323846;

// From `from` to `to` along half a cosine, `progress` in [0, 1].
double cosineBetween(double from, double to, double progress)
{
    return to + (from - to) * (1.0 + std::cos(kPi * std::clamp(progress, 0.0, 1.0))) / 2.0;
}

// The learning rate of PyTorch's OneCycleLR with its defaults: from peak / 25
// up to the peak over the first 30% of the steps, then down to peak / 25e4,
// along cosines. Momentum is not cycled.
double oneCycle(double peak, int64_t step, int64_t steps)
{
    const double initial = peak / 25.0;
    const double final = initial / 1e4;
    const double rising = std::max(1.0, 0.3 * double(steps) - 1.0);
    if (double(step) <= rising)
        return cosineBetween(initial, peak, double(step) / rising);
    const double falling = std::max(1.0, double(steps - 1) - rising);
    return cosineBetween(peak, final, (double(step) - rising) / falling);
}

} // namespace

MetricWatch::MetricWatch(bool higherIsBetter, double minDelta)
    : m_higherIsBetter(higherIsBetter)
    , m_minDelta(minDelta)
{
}

bool MetricWatch::update(double value)
{
    // A NaN or an infinity never becomes the best: later values could not beat it.
    const bool improved = std::isfinite(value)
        && (!m_best || (m_higherIsBetter ? value > *m_best + m_minDelta : value < *m_best - m_minDelta));
    if (improved) {
        m_best = value;
        m_stale = 0;
    } else {
        ++m_stale;
    }
    return improved;
}

nlohmann::json MetricWatch::state() const
{
    return {{"best", m_best ? nlohmann::json(*m_best) : nlohmann::json()}, {"stale", m_stale}};
}

void MetricWatch::restore(const nlohmann::json& state)
{
    const nlohmann::json& best = state.at("best");
    m_best = best.is_null() ? std::nullopt : std::optional<double>(best.get<double>());
    m_stale = state.at("stale").get<int>();
}

LearningRateSchedule::LearningRateSchedule(const TrainingConfig& config, int64_t batchesPerEpoch)
    : m_config(config)
    , m_batchesPerEpoch(std::max<int64_t>(1, batchesPerEpoch))
    , m_plateau(higherIsBetter(config.monitor, config.mode), config.minDelta)
{
}

double LearningRateSchedule::rate(int epoch, int64_t batch) const
{
    const TrainingConfig& c = m_config;
    const double base = c.learningRate;
    const int64_t step = int64_t(epoch - 1) * m_batchesPerEpoch + batch;
    const int64_t warmupSteps = int64_t(c.warmupEpochs) * m_batchesPerEpoch;
    if (step < warmupSteps)
        return base * double(step + 1) / double(warmupSteps);

    // Position after the warm-up.
    const int64_t e = epoch - 1 - c.warmupEpochs;
    const int64_t t = step - warmupSteps;
    const int64_t steps = std::max<int64_t>(1, int64_t(c.epochs - c.warmupEpochs) * m_batchesPerEpoch);
    switch (c.schedule) {
    case ScheduleKind::Constant:
        return base;
    case ScheduleKind::Step:
        return base * std::pow(c.gamma, double(e / c.stepSize));
    case ScheduleKind::MultiStep: {
        const auto passed = std::count_if(c.milestones.begin(), c.milestones.end(),
                                          [e](int64_t milestone) { return milestone <= e; });
        return base * std::pow(c.gamma, double(passed));
    }
    case ScheduleKind::Exponential:
        return base * std::pow(c.gamma, double(e));
    case ScheduleKind::Cosine:
        return cosineBetween(base, std::min(base, c.minLearningRate), double(t) / double(steps));
    case ScheduleKind::OneCycle:
        return oneCycle(base, t, steps);
    case ScheduleKind::Plateau:
        return std::max(base * m_plateauFactor, std::min(base, c.minLearningRate));
    }
    return base;
}

nlohmann::json LearningRateSchedule::state() const
{
    return {{"plateau_factor", m_plateauFactor}, {"plateau", m_plateau.state()}};
}

void LearningRateSchedule::restore(const nlohmann::json& state)
{
    m_plateauFactor = state.at("plateau_factor").get<double>();
    m_plateau.restore(state.at("plateau"));
}

void LearningRateSchedule::epochEnded(std::optional<double> metric)
{
    if (m_config.schedule != ScheduleKind::Plateau || !metric)
        return;
    m_plateau.update(*metric);
    if (m_plateau.epochsWithoutImprovement() > m_config.plateauPatience) {
        m_plateauFactor *= m_config.gamma;
        m_plateau.restartCount(); // as ReduceLROnPlateau: a full patience after each drop
    }
}

} // namespace lepton
