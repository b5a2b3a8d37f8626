#include "model/tiledmaxpool.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cstdint>

namespace lepton {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Floats one task reads at least.
constexpr int64_t kGrain = 32768;
// A window's argmax is kept as its row-major offset in one byte.
constexpr int64_t kLargestKernel = 16;

struct Planes {
    int64_t count, height, width, outHeight, outWidth, kernel;

    Planes(at::IntArrayRef sizes, int64_t k)
        : count(sizes[0] * sizes[1])
        , height(sizes[2])
        , width(sizes[3])
        , outHeight(sizes[2] / k)
        , outWidth(sizes[3] / k)
        , kernel(k)
    {
    }
    int64_t inSize() const { return height * width; }
    int64_t outSize() const { return outHeight * outWidth; }
    template <typename Work>
    void forEach(const Work& work) const
    {
        at::parallel_for(0, count, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inSize())),
                         [&](int64_t begin, int64_t end) {
                             for (int64_t plane = begin; plane < end; ++plane)
                                 work(plane);
                         });
    }
};

// Window by window across each output row, so the comparisons become
// selects: which element wins is data-dependent, and branching on it costs a
// misprediction every other comparison.
void poolPlane(const Planes& p, const float* __restrict in, float* __restrict out, uint8_t* __restrict argmax)
{
    const int64_t k = p.kernel;
    const int64_t width = p.outWidth;
    for (int64_t oh = 0; oh < p.outHeight; ++oh) {
        float* __restrict best = out + oh * width;
        uint8_t* __restrict bestAt = argmax + oh * width;
        const float* first = in + oh * k * p.width;
        for (int64_t ow = 0; ow < width; ++ow) {
            best[ow] = first[ow * k];
            bestAt[ow] = 0;
        }
        for (int64_t r = 0; r < k; ++r) {
            for (int64_t c = 0; c < k; ++c) {
                const float* __restrict candidates = first + r * p.width + c;
                const auto offset = static_cast<uint8_t>(r * k + c);
                for (int64_t ow = 0; ow < width; ++ow) {
                    const float value = candidates[ow * k];
                    // The last NaN wins, as in torch::max_pool2d.
                    const bool wins = value > best[ow] || value != value;
                    best[ow] = wins ? value : best[ow];
                    bestAt[ow] = wins ? offset : bestAt[ow];
                }
            }
        }
    }
}

// 2x2 windows, the common case, four outputs at a time in vector registers.
// A row's last four outputs are computed again where its width is not a
// multiple of four: pooling the same window twice gives the same result.
using Floats = float __attribute__((vector_size(16)));
using Ints = int32_t __attribute__((vector_size(16)));

void poolPlane2x2(const Planes& p, const float* __restrict in, float* __restrict out, uint8_t* __restrict argmax)
{
    const int64_t width = p.outWidth;
    if (width < 4)
        return poolPlane(p, in, out, argmax);
    for (int64_t oh = 0; oh < p.outHeight; ++oh) {
        const float* top = in + 2 * oh * p.width;
        const float* bottom = top + p.width;
        for (int64_t start = 0; start < width; start += 4) {
            const int64_t ow = std::min(start, width - 4);
            const float* a = top + 2 * ow;
            const float* b = bottom + 2 * ow;
            Floats best = {a[0], a[2], a[4], a[6]};
            Ints at = {0, 0, 0, 0};
            const Floats candidates[3] = {{a[1], a[3], a[5], a[7]}, {b[0], b[2], b[4], b[6]}, {b[1], b[3], b[5], b[7]}};
            for (int i = 0; i < 3; ++i) {
                const Ints wins = (candidates[i] > best) | (candidates[i] != candidates[i]);
                best = wins ? candidates[i] : best;
                at = wins ? Ints{i + 1, i + 1, i + 1, i + 1} : at;
            }
            for (int lane = 0; lane < 4; ++lane) {
                out[oh * width + ow + lane] = best[lane];
                argmax[oh * width + ow + lane] = static_cast<uint8_t>(at[lane]);
            }
        }
    }
}

// Each window's gradient goes to its argmax; everything else, the rows and
// columns no window covers included, gets zero.
void unpoolPlane(const Planes& p, const float* grad, const uint8_t* argmax, float* in)
{
    const int64_t k = p.kernel;
    std::fill(in, in + p.inSize(), 0.0f);
    for (int64_t oh = 0; oh < p.outHeight; ++oh) {
        for (int64_t ow = 0; ow < p.outWidth; ++ow) {
            const int64_t at = argmax[oh * p.outWidth + ow];
            in[(oh * k + at / k) * p.width + ow * k + at % k] = grad[oh * p.outWidth + ow];
        }
    }
}

struct TiledMaxPool : torch::autograd::Function<TiledMaxPool> {
    static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t kernel)
    {
        const Planes p(x.sizes(), kernel);
        at::Tensor y = at::empty({x.size(0), x.size(1), p.outHeight, p.outWidth}, x.options());
        at::Tensor argmax = at::empty(y.sizes(), x.options().dtype(at::kByte));
        const float* in = x.data_ptr<float>();
        float* out = y.data_ptr<float>();
        uint8_t* index = argmax.data_ptr<uint8_t>();
        p.forEach([&](int64_t plane) {
            const auto pool = p.kernel == 2 ? poolPlane2x2 : poolPlane;
            pool(p, in + plane * p.inSize(), out + plane * p.outSize(), index + plane * p.outSize());
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
        const Planes p(sizes, ctx->saved_data["kernel"].toInt());
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
    return stride == kernel && padding == 0 && kernel <= kLargestKernel && input.dim() == 4
        && input.device().is_cpu() && input.scalar_type() == at::kFloat && input.is_contiguous()
        && input.size(2) >= kernel && input.size(3) >= kernel;
}

at::Tensor tiledMaxPool2d(const at::Tensor& input, int64_t kernel)
{
    return TiledMaxPool::apply(input, kernel);
}

} // namespace lepton
