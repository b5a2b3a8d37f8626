#include "train/mixedprecision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace lepton {
namespace {

constexpr int kGrowthInterval = 2000;

// LibTorch 2.4 gave autocast's switch a device argument and deprecated the
// CUDA-only one that Debian's 1.13 has.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cudaAutocastEnabled() { return at::autocast::is_autocast_enabled(at::kCUDA); }
void setCudaAutocast(bool enabled) { at::autocast::set_autocast_enabled(at::kCUDA, enabled); }
#else
bool cudaAutocastEnabled() { return at::autocast::is_enabled(); }
void setCudaAutocast(bool enabled) { at::autocast::set_enabled(enabled); }
#endif

} // namespace

AutocastScope::AutocastScope(bool enabled)
    : m_enabled(enabled)
{
    if (!m_enabled)
        return;
    m_wasEnabled = cudaAutocastEnabled();
    setCudaAutocast(true);
}

AutocastScope::~AutocastScope()
{
    if (!m_enabled)
        return;
    setCudaAutocast(m_wasEnabled);
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
    std::vector<torch::Tensor> gradients;
    for (const torch::Tensor& parameter : parameters) {
        if (parameter.grad().defined())
            gradients.push_back(parameter.grad());
    }
    if (gradients.empty())
        return true;
    torch::Tensor overflow;
    if (gradients.front().is_cuda()) {
        // LibTorch's fused kernel, one launch for every gradient; it has no
        // CPU form in LibTorch 1.13, hence the loop below for other devices.
        overflow = torch::zeros({1}, gradients.front().options().dtype(torch::kFloat32));
        at::_amp_foreach_non_finite_check_and_unscale_(gradients, overflow,
                                                       torch::full({1}, 1.0 / m_factor, overflow.options()));
    } else {
        for (torch::Tensor& gradient : gradients) {
            gradient.mul_(1.0 / m_factor);
            const torch::Tensor bad = torch::isfinite(gradient).all().logical_not();
            overflow = overflow.defined() ? overflow.logical_or(bad) : bad;
        }
    }
    // The one wait for the device per step: whether to step at all.
    const bool overflowed = overflow.item<float>() != 0.0f;
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
