#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <vector>

namespace lepton {

// While it lives, CUDA ops on the calling thread run in float16 where that
// is safe and float32 where it is not (LibTorch's autocast lists): the
// forward pass and the loss of a mixed-precision step.
class AutocastScope {
public:
    explicit AutocastScope(bool enabled);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_enabled;
    bool m_wasEnabled = false;
};

// Dynamic loss scaling, as PyTorch's GradScaler does it: the loss is
// multiplied by a large factor before the backward pass so that small
// float16 gradients do not flush to zero, and the gradients divided by it
// again before clipping and the step. A step whose gradients overflowed is
// skipped and the factor halved; after 2,000 steps without overflow it
// doubles. Disabled, it changes nothing and never waits for the device.
class GradScaler {
public:
    explicit GradScaler(bool enabled);

    torch::Tensor scale(const torch::Tensor& loss) const;
    // Divides every gradient by the factor and adjusts it for the next step.
    // False when a gradient held inf or NaN: skip this step's update. Knowing
    // that waits for the device once a step, as PyTorch's GradScaler does.
    bool unscale(const std::vector<torch::Tensor>& parameters);
    double factor() const { return m_factor; }

    nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    bool m_enabled;
    double m_factor = 65536.0;
    int m_stepsWithoutOverflow = 0;
};

} // namespace lepton
