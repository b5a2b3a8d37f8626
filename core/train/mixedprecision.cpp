#include "train/mixedprecision.h"

#include <ATen/autocast_mode.h>

namespace lepton {
namespace {

constexpr int kGrowthInterval = 2000;

} // namespace

AutocastScope::AutocastScope(bool enabled)
    : m_enabled(enabled)
{
    if (!m_enabled)
        return;
    m_wasEnabled = at::autocast::is_enabled();
    at::autocast::set_enabled(true);
}

AutocastScope::~AutocastScope()
{
    if (!m_enabled)
        return;
    at::autocast::set_enabled(m_wasEnabled);
    if (!m_wasEnabled)
        at::autocast::clear_cache(); // the float16 copies of the weights, made for this step
}

GradScaler::GradScaler(bool enabled)
    : m_enabled(enabled)
{
}

torch::Tensor GradScaler::scale(const torch::Tensor& loss) const
{
    return m_enabled ? loss * m_factor : loss;
}

bool GradScaler::unscale(const std::vector<torch::Tensor>& parameters)
{
    if (!m_enabled)
        return true;
    torch::NoGradGuard noGrad;
    torch::Tensor overflow;
    for (const torch::Tensor& parameter : parameters) {
        torch::Tensor gradient = parameter.grad();
        if (!gradient.defined())
            continue;
        gradient.mul_(1.0 / m_factor);
        const torch::Tensor bad = torch::isfinite(gradient).all().logical_not();
        overflow = overflow.defined() ? overflow.logical_or(bad) : bad;
    }
    // The one wait for the device per step: whether to step at all.
    const bool overflowed = overflow.defined() && overflow.item<bool>();
    if (overflowed) {
        m_factor /= 2.0;
        m_stepsWithoutOverflow = 0;
    } else if (++m_stepsWithoutOverflow == kGrowthInterval) {
        m_factor *= 2.0;
        m_stepsWithoutOverflow = 0;
    }
    return !overflowed;
}

nlohmann::json GradScaler::state() const
{
    return {{"factor", m_factor}, {"steps_without_overflow", m_stepsWithoutOverflow}};
}

void GradScaler::restore(const nlohmann::json& state)
{
    m_factor = state.at("factor").get<double>();
    m_stepsWithoutOverflow = state.at("steps_without_overflow").get<int>();
}

} // namespace lepton
