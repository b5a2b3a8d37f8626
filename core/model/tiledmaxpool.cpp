#include "model/tiledmaxpool.h"

#include "model/windowmax.h"

#include <torch/autograd.h>

#include <algorithm>

namespace lepton {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Each window's gradient goes to its argmax; everything else, the rows and
// columns no window covers included, gets zero.
void unpoolPlane(const PoolPlanes& p, const float* grad, const uint8_t* argmax, float* in)
{
    std::fill(in, in + p.inSize(), 0.0f);
    for (int64_t oh = 0; oh < p.outHeight; ++oh) {
        for (int64_t ow = 0; ow < p.outWidth; ++ow) {
            const int64_t o = oh * p.outWidth + ow;
            in[p.argmaxOffset(oh, ow, argmax[o])] = grad[o];
        }
    }
}

struct TiledMaxPool : torch::autograd::Function<TiledMaxPool> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t kernel)
    {
        const PoolPlanes p(x.sizes(), kernel);
        at::Tensor y = at::empty({x.size(0), x.size(1), p.outHeight, p.outWidth}, x.options());
        at::Tensor argmax = at::empty(y.sizes(), x.options().dtype(at::kByte));
        const float* in = x.data_ptr<float>();
        float* out = y.data_ptr<float>();
        uint8_t* index = argmax.data_ptr<uint8_t>();
        p.forEach([&](int64_t plane) {
            windowMax(p, in + plane * p.inSize(), [](auto value) { return value; },
                      {out + plane * p.outSize(), index + plane * p.outSize()});
        });
        ctx->save_for_backward({argmax});
        ctx->saved_data["sizes"] = x.sizes().vec();
        ctx->saved_data["kernel"] = kernel;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradients)
    {
        TORCH_CHECK(!at::GradMode::is_enabled(), "tiled max pooling has no double backward");
        const at::Tensor argmax = ctx->get_saved_variables()[0];
        const std::vector<int64_t> sizes = ctx->saved_data["sizes"].toIntVector();
        const PoolPlanes p(sizes, ctx->saved_data["kernel"].toInt());
        const at::Tensor dy = gradients[0].contiguous();
        at::Tensor dx = at::empty(sizes, dy.options());
        const float* grad = dy.data_ptr<float>();
        const uint8_t* index = argmax.data_ptr<uint8_t>();
        float* out = dx.data_ptr<float>();
        p.forEach([&](int64_t plane) {
            unpoolPlane(p, grad + plane * p.outSize(), index + plane * p.outSize(), out + plane * p.inSize());
        });
        return {dx, {}};
    }
};

} // namespace

bool tiledMaxPoolApplies(const at::Tensor& input, int64_t kernel, int64_t stride, int64_t padding)
{
    return stride == kernel && padding == 0 && kernel <= kLargestPoolKernel && input.dim() == 4
        && input.device().is_cpu() && input.scalar_type() == at::kFloat && input.is_contiguous()
        && input.size(2) >= kernel && input.size(3) >= kernel;
}

at::Tensor tiledMaxPool2d(const at::Tensor& input, int64_t kernel)
{
    return TiledMaxPool::apply(input, kernel);
}

} // namespace lepton
