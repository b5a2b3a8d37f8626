#include "model/batchnormrelupool.h"

#include "model/batchnormrelu.h"
#include "model/tiledmaxpool.h"
#include "model/windowmax.h"

#include <torch/autograd.h>

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

    template <typename Value>
    Value operator()(Value x) const
    {
        return (x - mean) * scale + shift;
    }
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
// positive (or NaN), as threshold_backward.
inline float reluGradient(float pooled, float dy)
{
    return pooled <= 0.0f ? 0.0f : dy;
}

struct BatchNormReluPool : torch::autograd::Function<BatchNormReluPool> {
    // runningMean and runningVar are updated in place; they take no gradient.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias, torch::Tensor runningMean,
                                 torch::Tensor runningVar, double momentum, double eps, int64_t kernel)
    {
        const BatchStatistics statistics = batchStatistics(x, runningMean, runningVar, momentum, eps);
        const std::vector<ChannelNorm> norms = channelNorms(statistics, weight, bias);
        const PoolPlanes p(x.sizes(), kernel);
        torch::Tensor y = torch::empty({x.size(0), x.size(1), p.outHeight, p.outWidth}, x.options());
        torch::Tensor argmax = torch::empty(y.sizes(), x.options().dtype(torch::kByte));
        torch::Tensor inputAtArgmax = torch::empty_like(y);
        const float* in = floats(x);
        float* out = y.data_ptr<float>();
        uint8_t* index = argmax.data_ptr<uint8_t>();
        float* raw = inputAtArgmax.data_ptr<float>();
        const int64_t channels = x.size(1);
        p.forEach([&](int64_t plane) {
            float* pooled = out + plane * p.outSize();
            windowMax(p, in + plane * p.inSize(), norms[plane % channels],
                      {pooled, index + plane * p.outSize(), raw + plane * p.outSize()});
            // The maximum of ReLU's outputs is ReLU of the maximum; NaN passes.
            for (int64_t o = 0; o < p.outSize(); ++o)
                pooled[o] = pooled[o] < 0.0f ? 0.0f : pooled[o];
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
            const int64_t first = plane * p.outSize();
            float sum = 0, product = 0;
            for (int64_t o = first; o < first + p.outSize(); ++o) {
                const float dz = reluGradient(pooled[o], grad[o]);
                sum += dz;
                product += dz * (inputAtArgmax[o] - centre);
            }
            sums[plane] = sum;
            products[plane] = product;
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
                const float a = g.a[c], b = g.b[c], d = g.d[c], centre = mean[c];
                const float* __restrict planeIn = in + plane * p.inSize();
                float* __restrict planeOut = out + plane * p.inSize();
                // dx = a * dz + b * (x - mean) + d, where dz is zero but at
                // the window maxima, which are then written again with it.
                for (int64_t i = 0; i < p.inSize(); ++i)
                    planeOut[i] = b * (planeIn[i] - centre) + d;
                const int64_t first = plane * p.outSize();
                for (int64_t oh = 0; oh < p.outHeight; ++oh) {
                    for (int64_t ow = 0; ow < p.outWidth; ++ow) {
                        const int64_t o = first + oh * p.outWidth + ow;
                        const int64_t at = p.argmaxOffset(oh, ow, argmax[o]);
                        planeOut[at] = a * reluGradient(pooled[o], grad[o]) + b * (planeIn[at] - centre) + d;
                    }
                }
            });
        }
        return {dx, g.weight, g.bias, {}, {}, {}, {}, {}};
    }
};

} // namespace

bool batchNormReluPoolFusable(const torch::Tensor& input, const torch::nn::BatchNorm2dImpl& norm, int64_t kernel,
                              int64_t stride, int64_t padding)
{
    return batchNormReluFusable(input, norm) && tiledMaxPoolApplies(input, kernel, stride, padding);
}

torch::Tensor batchNormReluPool(const torch::Tensor& input, torch::nn::BatchNorm2dImpl& norm, int64_t kernel)
{
    countBatch(norm);
    return BatchNormReluPool::apply(input, norm.weight, norm.bias, norm.running_mean, norm.running_var,
                                    *norm.options.momentum(), norm.options.eps(), kernel);
}

} // namespace lepton
