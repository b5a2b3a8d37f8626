#include "model/splitlinear.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

namespace lepton {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Below this many multiply-adds a product is too short to share.
constexpr int64_t kLeastSplitWork = 1 << 22;

// work(begin, length) for one share of [0, extent) on each intra-op thread.
// Grad mode is the thread's own, and the pool's threads have it on.
template <typename Work>
void forEachShare(int64_t extent, const Work& work)
{
    const int64_t shares = std::min<int64_t>(at::get_num_threads(), extent);
    at::parallel_for(0, shares, 1, [&](int64_t first, int64_t last) {
        const at::NoGradGuard noGrad;
        for (int64_t share = first; share < last; ++share) {
            const int64_t begin = extent * share / shares;
            work(begin, extent * (share + 1) / shares - begin);
        }
    });
}

// A layer without bias passes an empty tensor for it: autograd functions
// take no undefined tensors.
struct SplitLinear : torch::autograd::Function<SplitLinear> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias)
    {
        const bool hasBias = bias.numel() > 0;
        torch::Tensor y = torch::empty({x.size(0), weight.size(0)}, x.options());
        forEachShare(x.size(0), [&](int64_t begin, int64_t rows) {
            torch::Tensor out = y.narrow(0, begin, rows);
            if (hasBias)
                at::addmm_out(out, bias, x.narrow(0, begin, rows), weight.t());
            else
                at::mm_out(out, x.narrow(0, begin, rows), weight.t());
        });
        ctx->save_for_backward({x, weight});
        ctx->saved_data["bias"] = hasBias;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradients)
    {
        TORCH_CHECK(!at::GradMode::is_enabled(), "the split Linear has no double backward");
        const variable_list saved = ctx->get_saved_variables();
        const torch::Tensor& x = saved[0];
        const torch::Tensor& weight = saved[1];
        const torch::Tensor dy = gradients[0].contiguous();
        torch::Tensor dx, dWeight, dBias;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty_like(x);
            forEachShare(x.size(0), [&](int64_t begin, int64_t rows) {
                torch::Tensor out = dx.narrow(0, begin, rows);
                at::mm_out(out, dy.narrow(0, begin, rows), weight);
            });
        }
        if (ctx->needs_input_grad(1)) {
            dWeight = torch::empty_like(weight);
            const torch::Tensor dyT = dy.t();
            forEachShare(x.size(1), [&](int64_t begin, int64_t columns) {
                torch::Tensor out = dWeight.narrow(1, begin, columns);
                at::mm_out(out, dyT, x.narrow(1, begin, columns));
            });
        }
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2))
            dBias = dy.sum(0);
        return {dx, dWeight, dBias};
    }
};

bool isCpuFloat(const torch::Tensor& tensor)
{
    return tensor.device().is_cpu() && tensor.scalar_type() == torch::kFloat && tensor.is_contiguous();
}

} // namespace

bool splitLinearApplies(const torch::Tensor& input, const torch::nn::LinearImpl& linear)
{
    return at::get_num_threads() > 1 && input.dim() == 2 && isCpuFloat(input) && isCpuFloat(linear.weight)
        && (!linear.bias.defined() || isCpuFloat(linear.bias))
        && input.size(0) * linear.weight.size(0) * linear.weight.size(1) >= kLeastSplitWork;
}

torch::Tensor splitLinear(const torch::Tensor& input, torch::nn::LinearImpl& linear)
{
    return SplitLinear::apply(input, linear.weight,
                              linear.bias.defined() ? linear.bias : torch::empty({0}, input.options()));
}

} // namespace lepton
