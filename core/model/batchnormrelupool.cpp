#include "model/batchnormrelupool.h"

#include "model/batchnormrelu.h"
#include "model/tiledmaxpool.h"
#include "model/windowmax.h"

#include <torch/autograd.h>

#include <algorithm>
#include <vector>

namespace lepton {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

const float* floats(const torch::Tensor& tensor)
{
    return tensor.data_ptr<float>();
}

// The normalization of one channel, (x - mean) * scale + shift, computed as
// BatchNorm2d + ReLU's fused forward does so both give the same bits.
struct ChannelNorm {
    float mean, scale, shift;

    float operator()(float x) const { return (x - mean) * scale + shift; }
};

std::vector<ChannelNorm> channelNorms(const BatchStatistics& statistics, const torch::Tensor& weight,
                                      const torch::Tensor& bias)
{
    std::vector<ChannelNorm> norms(weight.numel());
    for (size_t c = 0; c < norms.size(); ++c) {
        norms[c] = {floats(statistics.mean)[c], floats(weight)[c] * floats(statistics.invstd)[c],
                    floats(bias)[c]};
    }
    return norms;
}

// ReLU's gradient at a window's maximum: dy where the pooled output was
// positive (or NaN), as threshold_backward. Four at a time it is a select,
// not a branch: which way it goes is as good as random.
inline float reluGradient(float pooled, float dy)
{
    return pooled <= 0.0f ? 0.0f : dy;
}

inline PoolFloats reluGradient(PoolFloats pooled, PoolFloats dy)
{
    const PoolFloats zero = {0, 0, 0, 0};
    return pooled <= zero ? zero : dy;
}

// One channel's input gradient, dx = a * dz + b * (x - mean) + d, where dz
// is ReLU's gradient at the window maxima and zero everywhere else.
struct InputGradient {
    float a, b, d, mean;

    template <typename Value>
    Value withoutPooling(Value x) const
    {
        return b * (x - mean) + d;
    }
    template <typename Value>
    Value withPooling(Value aTimesDz, Value x) const
    {
        return aTimesDz + b * (x - mean) + d;
    }
};

// A plane's input gradient from its pooled output's.
struct PlaneGradient {
    const PoolPlanes& p;
    InputGradient g;
    const float* __restrict in;
    const float* __restrict pooled;
    const float* __restrict grad;
    const uint8_t* __restrict argmax;

    // Every value as if no window had its maximum there, then the maxima again.
    void write(float* __restrict out) const
    {
        for (int64_t i = 0; i < p.inSize(); ++i)
            out[i] = g.withoutPooling(in[i]);
        for (int64_t oh = 0; oh < p.outHeight; ++oh) {
            for (int64_t ow = 0; ow < p.outWidth; ++ow) {
                const int64_t o = oh * p.outWidth + ow;
                const int64_t at = p.argmaxOffset(oh, ow, argmax[o]);
                out[at] = g.withPooling(g.a * reluGradient(pooled[o], grad[o]), in[at]);
            }
        }
    }

    // 2x2 windows, at least four to a row: four windows' two rows at a time,
    // each window's gradient spread over its two columns and kept where its
    // argmax is. As in windowMaxPlane2x2, a row's last four windows may be
    // written twice, to the same values.
    void write2x2(float* __restrict out) const
    {
        const PoolFloats zero = {0, 0, 0, 0};
        for (int64_t oh = 0; oh < p.outHeight; ++oh) {
            for (int64_t start = 0; start < p.outWidth; start += 4) {
                const int64_t ow = std::min(start, p.outWidth - 4);
                const int64_t o = oh * p.outWidth + ow;
                const PoolFloats dz = reluGradient(loadFloats(pooled + o), loadFloats(grad + o));
                const PoolFloats aDz = g.a * dz;
                PoolBytes bytes;
                std::memcpy(&bytes, argmax + o, sizeof bytes);
                const PoolInts at = __builtin_convertvector(bytes, PoolInts);
                const PoolFloats aDzLeft = __builtin_shufflevector(aDz, aDz, 0, 0, 1, 1);
                const PoolFloats aDzRight = __builtin_shufflevector(aDz, aDz, 2, 2, 3, 3);
                const PoolInts atLeft = __builtin_shufflevector(at, at, 0, 0, 1, 1);
                const PoolInts atRight = __builtin_shufflevector(at, at, 2, 2, 3, 3);
                for (int32_t row = 0; row < 2; ++row) {
                    const PoolInts corner = {2 * row, 2 * row + 1, 2 * row, 2 * row + 1};
                    const int64_t offset = (2 * oh + row) * p.width + 2 * ow;
                    storeFloats(out + offset,
                                g.withPooling(atLeft == corner ? aDzLeft : zero, loadFloats(in + offset)));
                    storeFloats(out + offset + 4,
                                g.withPooling(atRight == corner ? aDzRight : zero, loadFloats(in + offset + 4)));
                }
            }
        }
        // An odd last column or row lies in no window.
        for (int64_t h = 0; h < p.height; ++h) {
            const int64_t first = h < 2 * p.outHeight ? 2 * p.outWidth : 0;
            for (int64_t w = first; w < p.width; ++w)
                out[h * p.width + w] = g.withoutPooling(in[h * p.width + w]);
        }
    }
};

struct BatchNormReluPool : torch::autograd::Function<BatchNormReluPool> {
    // runningMean and runningVar are updated in place; they take no gradient.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias, torch::Tensor runningMean,
                                 torch::Tensor runningVar, double momentum, double eps, int64_t kernel)
    {
        const PoolPlanes p(x.sizes(), kernel);
        const int64_t channels = x.size(1);
        torch::Tensor y = torch::empty({x.size(0), channels, p.outHeight, p.outWidth}, x.options());
        torch::Tensor argmax = torch::empty(y.sizes(), x.options().dtype(torch::kByte));
        torch::Tensor inputAtArgmax = torch::empty_like(y);
        const float* in = floats(x);
        const float* weights = floats(weight);
        float* out = y.data_ptr<float>();
        uint8_t* index = argmax.data_ptr<uint8_t>();
        float* raw = inputAtArgmax.data_ptr<float>();

        // The batch is read once: each plane's moments, and while it is in
        // cache, where each window's normalized value will be largest. The
        // normalization is monotonic, rising with a positive weight and
        // falling with a negative one, so that is at the window's largest or
        // smallest input, and the window's output is the normalization of it.
        // y holds that input, negated for a smallest one, until the batch's
        // statistics are known.
        std::vector<float> means(p.count), squares(p.count);
        p.forEach([&](int64_t plane) {
            const float* values = in + plane * p.inSize();
            planeMoments(values, p.inSize(), means[plane], squares[plane]);
            const WindowMaxima extremes{out + plane * p.outSize(), index + plane * p.outSize()};
            if (weights[plane % channels] < 0.0f)
                windowMax(p, values, [](auto value) { return -value; }, extremes);
            else
                windowMax(p, values, [](auto value) { return value; }, extremes);
        });
        const BatchStatistics statistics = batchStatistics(x, means, squares, runningMean, runningVar, momentum, eps);
        const std::vector<ChannelNorm> norms = channelNorms(statistics, weight, bias);
        p.forEach([&](int64_t plane) {
            const int64_t c = plane % channels;
            const float sign = weights[c] < 0.0f ? -1.0f : 1.0f;
            for (int64_t o = plane * p.outSize(); o < (plane + 1) * p.outSize(); ++o) {
                raw[o] = sign * out[o];
                // The maximum of ReLU's outputs is ReLU of the maximum; NaN passes.
                const float value = norms[c](raw[o]);
                out[o] = value < 0.0f ? 0.0f : value;
            }
        });
        ctx->save_for_backward({x, weight, statistics.mean, statistics.invstd, y, argmax, inputAtArgmax});
        ctx->saved_data["kernel"] = kernel;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradients)
    {
        TORCH_CHECK(!at::GradMode::is_enabled(), "the fused BatchNorm2d + ReLU + MaxPool2d has no double backward");
        const variable_list saved = ctx->get_saved_variables();
        const torch::Tensor& x = saved[0];
        const torch::Tensor& weight = saved[1];
        const float* mean = floats(saved[2]);
        const float* pooled = floats(saved[4]);
        const uint8_t* argmax = saved[5].data_ptr<uint8_t>();
        const float* inputAtArgmax = floats(saved[6]);
        const torch::Tensor dy = gradients[0].contiguous();
        const float* grad = floats(dy);
        const PoolPlanes p(x.sizes(), ctx->saved_data["kernel"].toInt());
        const int64_t channels = x.size(1);

        // Only window maxima take a gradient from the pooling, so the batch
        // norm's sums run over the pooled outputs.
        std::vector<float> sums(p.count), products(p.count);
        p.forEach([&](int64_t plane) {
            const float centre = mean[plane % channels];
            const int64_t end = (plane + 1) * p.outSize();
            PoolFloats sum = {0, 0, 0, 0}, product = {0, 0, 0, 0};
            int64_t o = plane * p.outSize();
            for (; o + 4 <= end; o += 4) {
                const PoolFloats dz = reluGradient(loadFloats(pooled + o), loadFloats(grad + o));
                sum += dz;
                product += dz * (loadFloats(inputAtArgmax + o) - centre);
            }
            for (int lane = 0; o < end; ++o, ++lane) {
                const float dz = reluGradient(pooled[o], grad[o]);
                sum[lane] += dz;
                product[lane] += dz * (inputAtArgmax[o] - centre);
            }
            sums[plane] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
            products[plane] = (product[0] + product[1]) + (product[2] + product[3]);
        });
        const NormGradients g = normGradients(channelSums(sums, channels), channelSums(products, channels), weight,
                                              saved[3], x.numel() / channels);
        torch::Tensor dx;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty_like(x);
            const float* in = floats(x);
            float* out = dx.data_ptr<float>();
            p.forEach([&](int64_t plane) {
                const int64_t c = plane % channels;
                const PlaneGradient gradient{p,
                                             {g.a[c], g.b[c], g.d[c], mean[c]},
                                             in + plane * p.inSize(),
                                             pooled + plane * p.outSize(),
                                             grad + plane * p.outSize(),
                                             argmax + plane * p.outSize()};
                if (p.kernel == 2 && p.outWidth >= 4)
                    gradient.write2x2(out + plane * p.inSize());
                else
                    gradient.write(out + plane * p.inSize());
            });
        }
        return {dx, g.weight, g.bias, {}, {}, {}, {}, {}};
    }
};

// A zero weight normalizes every input of a window to the same value, and
// max_pool2d's gradient then goes to the window's first element, which the
// choice by input value does not find.
bool hasZeroWeight(const torch::Tensor& weight)
{
    const float* values = floats(weight);
    return std::find(values, values + weight.numel(), 0.0f) != values + weight.numel();
}

} // namespace

bool batchNormReluPoolFusable(const torch::Tensor& input, const torch::nn::BatchNorm2dImpl& norm, int64_t kernel,
                              int64_t stride, int64_t padding)
{
    return batchNormReluFusable(input, norm) && tiledMaxPoolApplies(input, kernel, stride, padding)
        && !hasZeroWeight(norm.weight);
}

torch::Tensor batchNormReluPool(const torch::Tensor& input, torch::nn::BatchNorm2dImpl& norm, int64_t kernel)
{
    countBatch(norm);
    return BatchNormReluPool::apply(input, norm.weight, norm.bias, norm.running_mean, norm.running_var,
                                    *norm.options.momentum(), norm.options.eps(), kernel);
}

} // namespace lepton
