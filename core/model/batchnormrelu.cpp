#include "model/batchnormrelu.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace lepton {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Floats one task handles at least: below this, handing it to another
// thread costs more than running it.
constexpr int64_t kGrain = 32768;
// Floats per block of channels-last rows: small enough to stay in L1 between
// the two passes that compute a block's mean and spread.
constexpr int64_t kBlockFloats = 4096;

// How [N, C, H, W] activations lie in memory, cut into units whose partial
// sums are kept: NCHW units are planes (one channel, H*W floats), channels-
// last units are blocks of rows (every channel, `blockRows` rows of C).
// Either way channel c's k-th partial is entry k * C + c.
struct Layout {
    bool channelsLast = false;
    int64_t channels = 0;
    int64_t values = 0;           // floats in all
    int64_t perChannel = 0;       // values of one channel: N*H*W
    int64_t planeSize = 0;        // NCHW: H*W
    int64_t blockRows = 0;        // channels-last
    int64_t partialsPerChannel = 0;

    explicit Layout(const torch::Tensor& x)
        : channelsLast(!x.is_contiguous())
        , channels(x.size(1))
        , values(x.numel())
        , perChannel(x.numel() / x.size(1))
        , planeSize(x.size(2) * x.size(3))
    {
        const int64_t rows = perChannel;
        blockRows = std::max<int64_t>(1, kBlockFloats / channels);
        partialsPerChannel = channelsLast ? (rows + blockRows - 1) / blockRows : x.size(0);
    }
    int64_t units() const { return partialsPerChannel * (channelsLast ? 1 : channels); }
    int64_t unitFloats() const { return channelsLast ? blockRows * channels : planeSize; }
    int64_t unitGrain() const { return std::max<int64_t>(1, kGrain / unitFloats()); }
    // Rows in channels-last block `unit`; the last may be short.
    int64_t rowsOf(int64_t unit) const { return std::min(blockRows, perChannel - unit * blockRows); }
    // Values summed into each partial of channel c at index k.
    int64_t countOf(int64_t k) const { return channelsLast ? rowsOf(k) : planeSize; }
    torch::MemoryFormat format() const
    {
        return channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
    }
};

void forEachUnit(const Layout& layout, const std::function<void(int64_t)>& work)
{
    at::parallel_for(0, layout.units(), layout.unitGrain(), [&](int64_t begin, int64_t end) {
        for (int64_t unit = begin; unit < end; ++unit)
            work(unit);
    });
}

// Per channel: scale and shift of the normalization, scale * x + shift.
struct Affine {
    std::vector<float> scale, shift;
};

Affine affineOf(const float* mean, const float* invstd, const float* weight, const float* bias, int64_t channels)
{
    Affine affine{std::vector<float>(channels), std::vector<float>(channels)};
    for (int64_t c = 0; c < channels; ++c) {
        affine.scale[c] = weight[c] * invstd[c];
        affine.shift[c] = bias[c] - mean[c] * affine.scale[c];
    }
    return affine;
}

// Per unit: the mean and the sum of squared deviations of each channel it
// holds, computed in two passes over memory that stays in cache.
void unitMoments(const Layout& layout, const float* x, float* means, float* squares)
{
    const int64_t C = layout.channels;
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const float* plane = x + unit * layout.planeSize;
            const int64_t size = layout.planeSize;
            float sum = 0;
#pragma omp simd reduction(+ : sum)
            for (int64_t i = 0; i < size; ++i)
                sum += plane[i];
            const float mean = sum / static_cast<float>(size);
            float square = 0;
#pragma omp simd reduction(+ : square)
            for (int64_t i = 0; i < size; ++i)
                square += (plane[i] - mean) * (plane[i] - mean);
            means[unit] = mean;
            squares[unit] = square;
            return;
        }
        const int64_t rows = layout.rowsOf(unit);
        const float* block = x + unit * layout.blockRows * C;
        float* mean = means + unit * C;
        float* square = squares + unit * C;
        std::fill(mean, mean + C, 0.0f);
        std::fill(square, square + C, 0.0f);
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t c = 0; c < C; ++c)
                mean[c] += block[r * C + c];
        }
        for (int64_t c = 0; c < C; ++c)
            mean[c] /= static_cast<float>(rows);
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t c = 0; c < C; ++c) {
                const float deviation = block[r * C + c] - mean[c];
                square[c] += deviation * deviation;
            }
        }
    });
}

// Mean and biased variance of each channel from the units' moments, merged
// in a fixed order (Chan et al.'s pairwise update) in double.
void channelMoments(const Layout& layout, const float* means, const float* squares,
                    std::vector<double>& mean, std::vector<double>& variance)
{
    const int64_t C = layout.channels;
    mean.assign(C, 0.0);
    variance.assign(C, 0.0);
    for (int64_t c = 0; c < C; ++c) {
        double count = 0, average = 0, square = 0;
        for (int64_t k = 0; k < layout.partialsPerChannel; ++k) {
            const double n = static_cast<double>(layout.countOf(k));
            const double delta = means[k * C + c] - average;
            const double total = count + n;
            average += delta * n / total;
            square += squares[k * C + c] + delta * delta * count * n / total;
            count = total;
        }
        mean[c] = average;
        variance[c] = square / count;
    }
}

void normalizeRelu(const Layout& layout, const float* x, const Affine& affine, float* y)
{
    const int64_t C = layout.channels;
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const float scale = affine.scale[unit % C], shift = affine.shift[unit % C];
            const int64_t offset = unit * layout.planeSize;
            for (int64_t i = offset; i < offset + layout.planeSize; ++i) {
                const float value = x[i] * scale + shift;
                // NaN passes through, as in torch::relu.
                y[i] = value < 0.0f ? 0.0f : value;
            }
            return;
        }
        const float* scale = affine.scale.data();
        const float* shift = affine.shift.data();
        const int64_t begin = unit * layout.blockRows * C;
        for (int64_t r = 0; r < layout.rowsOf(unit); ++r) {
            const float* in = x + begin + r * C;
            float* out = y + begin + r * C;
            for (int64_t c = 0; c < C; ++c) {
                const float value = in[c] * scale[c] + shift[c];
                out[c] = value < 0.0f ? 0.0f : value;
            }
        }
    });
}

// The gradient reaching the normalization's output: ReLU's, which lets dy
// through where the output was positive (or NaN), as threshold_backward.
inline float reluGradient(float x, float scale, float shift, float dy)
{
    return x * scale + shift <= 0.0f ? 0.0f : dy;
}

// Per unit and channel: the sum of the normalization's output gradient dz and
// of dz * (x - mean).
void unitGradientSums(const Layout& layout, const float* x, const float* dy, const Affine& affine,
                      const float* mean, float* sums, float* products)
{
    const int64_t C = layout.channels;
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const int64_t c = unit % C;
            const float scale = affine.scale[c], shift = affine.shift[c], centre = mean[c];
            const float* in = x + unit * layout.planeSize;
            const float* grad = dy + unit * layout.planeSize;
            float sum = 0, product = 0;
#pragma omp simd reduction(+ : sum, product)
            for (int64_t i = 0; i < layout.planeSize; ++i) {
                const float dz = reluGradient(in[i], scale, shift, grad[i]);
                sum += dz;
                product += dz * (in[i] - centre);
            }
            sums[unit] = sum;
            products[unit] = product;
            return;
        }
        const float* scale = affine.scale.data();
        const float* shift = affine.shift.data();
        float* sum = sums + unit * C;
        float* product = products + unit * C;
        std::fill(sum, sum + C, 0.0f);
        std::fill(product, product + C, 0.0f);
        const int64_t begin = unit * layout.blockRows * C;
        for (int64_t r = 0; r < layout.rowsOf(unit); ++r) {
            const float* in = x + begin + r * C;
            const float* grad = dy + begin + r * C;
            for (int64_t c = 0; c < C; ++c) {
                const float dz = reluGradient(in[c], scale[c], shift[c], grad[c]);
                sum[c] += dz;
                product[c] += dz * (in[c] - mean[c]);
            }
        }
    });
}

// dx = a * dz + b * x + d per channel, the batch norm gradient with its mean
// terms folded into b and d.
struct InputGradient {
    std::vector<float> a, b, d;
};

void inputGradient(const Layout& layout, const float* x, const float* dy, const Affine& affine,
                   const InputGradient& g, float* dx)
{
    const int64_t C = layout.channels;
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const int64_t c = unit % C;
            const float scale = affine.scale[c], shift = affine.shift[c];
            const float a = g.a[c], b = g.b[c], d = g.d[c];
            const int64_t offset = unit * layout.planeSize;
            for (int64_t i = offset; i < offset + layout.planeSize; ++i)
                dx[i] = a * reluGradient(x[i], scale, shift, dy[i]) + b * x[i] + d;
            return;
        }
        const int64_t begin = unit * layout.blockRows * C;
        for (int64_t r = 0; r < layout.rowsOf(unit); ++r) {
            const int64_t row = begin + r * C;
            for (int64_t c = 0; c < C; ++c) {
                const float dz = reluGradient(x[row + c], affine.scale[c], affine.shift[c], dy[row + c]);
                dx[row + c] = g.a[c] * dz + g.b[c] * x[row + c] + g.d[c];
            }
        }
    });
}

const float* floats(const torch::Tensor& tensor)
{
    return tensor.data_ptr<float>();
}

torch::Tensor channelTensor(const std::vector<double>& values)
{
    torch::Tensor tensor = torch::empty({static_cast<int64_t>(values.size())}, torch::kFloat);
    float* out = tensor.data_ptr<float>();
    for (size_t c = 0; c < values.size(); ++c)
        out[c] = static_cast<float>(values[c]);
    return tensor;
}

struct BatchNormRelu : torch::autograd::Function<BatchNormRelu> {
    // runningMean and runningVar are updated in place; they take no gradient.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias, torch::Tensor runningMean,
                                 torch::Tensor runningVar, double momentum, double eps)
    {
        const Layout layout(x);
        const int64_t C = layout.channels;
        std::vector<float> means(layout.partialsPerChannel * C), squares(means.size());
        unitMoments(layout, floats(x), means.data(), squares.data());
        std::vector<double> mean, variance;
        channelMoments(layout, means.data(), squares.data(), mean, variance);

        std::vector<double> invstd(C);
        const double unbiased = static_cast<double>(layout.perChannel) / static_cast<double>(layout.perChannel - 1);
        float* runningMeans = runningMean.data_ptr<float>();
        float* runningVars = runningVar.data_ptr<float>();
        for (int64_t c = 0; c < C; ++c) {
            invstd[c] = 1.0 / std::sqrt(variance[c] + eps);
            runningMeans[c] = static_cast<float>((1 - momentum) * runningMeans[c] + momentum * mean[c]);
            runningVars[c] = static_cast<float>((1 - momentum) * runningVars[c] + momentum * variance[c] * unbiased);
        }
        const torch::Tensor meanTensor = channelTensor(mean);
        const torch::Tensor invstdTensor = channelTensor(invstd);
        const Affine affine = affineOf(floats(meanTensor), floats(invstdTensor), floats(weight), floats(bias), C);
        torch::Tensor y = torch::empty(x.sizes(), x.options().memory_format(layout.format()));
        normalizeRelu(layout, floats(x), affine, y.data_ptr<float>());

        ctx->save_for_backward({x, weight, bias, meanTensor, invstdTensor});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradients)
    {
        const variable_list saved = ctx->get_saved_variables();
        const torch::Tensor& x = saved[0];
        const Layout layout(x);
        const int64_t C = layout.channels;
        const torch::Tensor dy = gradients[0].contiguous(layout.format());
        const float* mean = floats(saved[3]);
        const float* invstd = floats(saved[4]);
        const float* weight = floats(saved[1]);
        const Affine affine = affineOf(mean, invstd, weight, floats(saved[2]), C);

        std::vector<float> sums(layout.partialsPerChannel * C), products(sums.size());
        unitGradientSums(layout, floats(x), floats(dy), affine, mean, sums.data(), products.data());
        torch::Tensor weightGradient = torch::empty({C}, torch::kFloat);
        torch::Tensor biasGradient = torch::empty({C}, torch::kFloat);
        InputGradient g{std::vector<float>(C), std::vector<float>(C), std::vector<float>(C)};
        const double count = static_cast<double>(layout.perChannel);
        for (int64_t c = 0; c < C; ++c) {
            double sum = 0, product = 0;
            for (int64_t k = 0; k < layout.partialsPerChannel; ++k) {
                sum += sums[k * C + c];
                product += products[k * C + c];
            }
            const double inv = invstd[c];
            weightGradient.data_ptr<float>()[c] = static_cast<float>(product * inv);
            biasGradient.data_ptr<float>()[c] = static_cast<float>(sum);
            // dx = w*inv * (dz - sum/n - (x - mean) * inv^2 * product/n)
            const double a = weight[c] * inv;
            const double b = -a * inv * inv * product / count;
            g.a[c] = static_cast<float>(a);
            g.b[c] = static_cast<float>(b);
            g.d[c] = static_cast<float>(-a * sum / count - b * mean[c]);
        }
        torch::Tensor dx;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty(x.sizes(), x.options().memory_format(layout.format()));
            inputGradient(layout, floats(x), floats(dy), affine, g, dx.data_ptr<float>());
        }
        return {dx, weightGradient, biasGradient, {}, {}, {}, {}};
    }
};

bool isCpuFloat(const torch::Tensor& tensor)
{
    return tensor.defined() && tensor.device().is_cpu() && tensor.scalar_type() == torch::kFloat
        && tensor.is_contiguous();
}

} // namespace

bool batchNormReluFusable(const torch::Tensor& input, const torch::nn::BatchNorm2dImpl& norm)
{
    const auto& options = norm.options;
    if (!norm.is_training() || !options.affine() || !options.track_running_stats() || !options.momentum())
        return false;
    for (const torch::Tensor* tensor : {&norm.weight, &norm.bias, &norm.running_mean, &norm.running_var}) {
        if (!isCpuFloat(*tensor))
            return false;
    }
    return input.dim() == 4 && input.device().is_cpu() && input.scalar_type() == torch::kFloat
        && input.size(1) == norm.weight.numel() && input.numel() / input.size(1) > 1
        && (input.is_contiguous() || input.is_contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor batchNormRelu(const torch::Tensor& input, torch::nn::BatchNorm2dImpl& norm)
{
    {
        torch::NoGradGuard noGrad;
        norm.num_batches_tracked += 1;
    }
    return BatchNormRelu::apply(input, norm.weight, norm.bias, norm.running_mean, norm.running_var,
                                *norm.options.momentum(), norm.options.eps());
}

} // namespace lepton
