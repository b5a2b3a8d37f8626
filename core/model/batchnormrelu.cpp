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
// the two passes that compute a block's mean and spread...
constexpr int64_t kBlockFloats = 4096;
// ...but with many channels, at least this many rows, or merging the blocks'
// moments (one step per block and channel, on one thread) costs as much as
// the passes themselves.
constexpr int64_t kLeastBlockRows = 64;
// Channels-last loops run over a period of whole rows, their per-channel
// constants repeated to its length: a loop over one row of a few dozen
// channels costs more to enter than to run.
constexpr int64_t kPeriodFloats = 512;

// How [N, C, H, W] activations lie in memory, cut into units whose partial
// sums are kept: NCHW units are planes (one channel, H*W floats), channels-
// last units are blocks of rows (every channel, `blockRows` rows of C).
// Either way channel c's k-th partial is entry k * C + c.
struct Layout {
    bool channelsLast = false;
    int64_t channels = 0;
    int64_t perChannel = 0;       // values of one channel: N*H*W
    int64_t planeSize = 0;        // NCHW: H*W
    int64_t blockRows = 0;        // channels-last: a whole number of periods
    int64_t period = 0;           // channels-last: floats in a period of rows
    int64_t partialsPerChannel = 0;

    explicit Layout(const torch::Tensor& x)
        : channelsLast(!x.is_contiguous())
        , channels(x.size(1))
        , perChannel(x.numel() / x.size(1))
        , planeSize(x.size(2) * x.size(3))
    {
        const int64_t rows = perChannel;
        const int64_t periodRows = std::max<int64_t>(1, kPeriodFloats / channels);
        period = periodRows * channels;
        const int64_t periods = std::max(kBlockFloats / period, (kLeastBlockRows + periodRows - 1) / periodRows);
        blockRows = periodRows * std::max<int64_t>(1, periods);
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

// Per-channel values repeated over a channels-last period.
std::vector<float> tiled(const Layout& layout, const std::vector<float>& perChannel)
{
    std::vector<float> values(layout.period);
    for (int64_t row = 0; row < layout.period; row += layout.channels)
        std::copy(perChannel.begin(), perChannel.end(), values.begin() + row);
    return values;
}

// Channel sums of a period-long accumulator, into `out`, divided by `divisor`.
void fold(const Layout& layout, const std::vector<float>& accumulator, float* out, double divisor = 1.0)
{
    std::vector<double> sums(layout.channels, 0.0);
    for (int64_t row = 0; row < layout.period; row += layout.channels) {
        for (int64_t c = 0; c < layout.channels; ++c)
            sums[c] += accumulator[row + c];
    }
    for (int64_t c = 0; c < layout.channels; ++c)
        out[c] = static_cast<float>(sums[c] / divisor);
}

// The channels-last block `unit` as periods: work(offset, length) with
// offsets from the start of the tensor, each period starting at channel 0.
template <typename Work>
void forEachPeriod(const Layout& layout, int64_t unit, const Work& work)
{
    const int64_t begin = unit * layout.blockRows * layout.channels;
    const int64_t end = begin + layout.rowsOf(unit) * layout.channels;
    for (int64_t offset = begin; offset < end; offset += layout.period)
        work(offset, std::min(layout.period, end - offset));
}

void forEachUnit(const Layout& layout, const std::function<void(int64_t)>& work)
{
    at::parallel_for(0, layout.units(), layout.unitGrain(), [&](int64_t begin, int64_t end) {
        for (int64_t unit = begin; unit < end; ++unit)
            work(unit);
    });
}

// Per-channel constants as the inner loops read them: one value for a whole
// NCHW plane, or a channels-last period's array.
struct Uniform {
    float value;
    float operator[](int64_t) const { return value; }
};
using Tiled = const float* __restrict;

// What a channel's constants are for a unit: NCHW planes take the channel's
// value, channels-last blocks the period arrays.
struct ChannelValues {
    std::vector<float> perChannel, periodic;

    ChannelValues(const Layout& layout, std::vector<float> values)
        : perChannel(std::move(values))
        , periodic(layout.channelsLast ? tiled(layout, perChannel) : std::vector<float>())
    {
    }
    Uniform of(int64_t channel) const { return {perChannel[channel]}; }
    const float* tiles() const { return periodic.data(); }
};

// The normalized value, (x - mean) * scale + shift: subtracting first keeps
// the precision a large mean would cost as x * scale + (shift - mean * scale).
struct Normalization {
    ChannelValues mean, scale, shift;
};

template <typename Per>
inline float normalized(float x, int64_t i, Per mean, Per scale, Per shift)
{
    return (x - mean[i]) * scale[i] + shift[i];
}

// Forward's second pass over a run of n floats.
template <typename Per>
void normalizeReluRun(const float* __restrict x, Per mean, Per scale, Per shift,
                      float* __restrict y, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        const float value = normalized(x[i], i, mean, scale, shift);
        // NaN passes through, as in torch::relu.
        y[i] = value < 0.0f ? 0.0f : value;
    }
}

// The gradient reaching the normalization's output: ReLU's, which lets dy
// through where the output was positive (or NaN), as threshold_backward.
inline float reluGradient(float value, float dy)
{
    return value <= 0.0f ? 0.0f : dy;
}

// dx = a * dz + b * (x - mean) + d per channel, the batch norm gradient with
// its batch-mean terms folded into b and d.
struct InputGradient {
    ChannelValues a, b, d;
};

template <typename Per>
void inputGradientRun(const float* __restrict x, const float* __restrict dy, Per mean, Per scale, Per shift, Per a,
                      Per b, Per d, float* __restrict dx, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        const float dz = reluGradient(normalized(x[i], i, mean, scale, shift), dy[i]);
        dx[i] = a[i] * dz + b[i] * (x[i] - mean[i]) + d[i];
    }
}

// The sum of term(i) over [0, n) as 16 running sums, one per i % 16, added
// up at the end: one running sum would make each addition wait for the
// last. The same order every time.
template <typename Term>
float interleavedSum(int64_t n, const Term& term)
{
    constexpr int64_t kLanes = 16;
    float lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (int64_t lane = 0; lane < kLanes; ++lane)
            lanes[lane] += term(i + lane);
    }
    for (int64_t lane = 0; i + lane < n; ++lane)
        lanes[lane] += term(i + lane);
    float sum = 0;
    for (float lane : lanes)
        sum += lane;
    return sum;
}

// Per unit: the mean and the sum of squared deviations of each channel it
// holds, computed in two passes over memory that stays in cache.
void unitMoments(const Layout& layout, const float* x, float* means, float* squares)
{
    const int64_t C = layout.channels;
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            planeMoments(x + unit * layout.planeSize, layout.planeSize, means[unit], squares[unit]);
            return;
        }
        std::vector<float> sum(layout.period, 0.0f);
        forEachPeriod(layout, unit, [&](int64_t offset, int64_t length) {
            float* __restrict total = sum.data();
            const float* __restrict in = x + offset;
            for (int64_t i = 0; i < length; ++i)
                total[i] += in[i];
        });
        float* mean = means + unit * C;
        fold(layout, sum, mean, static_cast<double>(layout.rowsOf(unit)));
        const std::vector<float> centre = tiled(layout, std::vector<float>(mean, mean + C));
        std::fill(sum.begin(), sum.end(), 0.0f);
        forEachPeriod(layout, unit, [&](int64_t offset, int64_t length) {
            float* __restrict total = sum.data();
            const float* __restrict in = x + offset;
            const float* __restrict middle = centre.data();
            for (int64_t i = 0; i < length; ++i)
                total[i] += (in[i] - middle[i]) * (in[i] - middle[i]);
        });
        fold(layout, sum, squares + unit * C);
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

void normalizeRelu(const Layout& layout, const float* x, const Normalization& norm, float* y)
{
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const int64_t c = unit % layout.channels;
            const int64_t offset = unit * layout.planeSize;
            normalizeReluRun(x + offset, norm.mean.of(c), norm.scale.of(c), norm.shift.of(c), y + offset,
                             layout.planeSize);
            return;
        }
        forEachPeriod(layout, unit, [&](int64_t offset, int64_t length) {
            normalizeReluRun(x + offset, norm.mean.tiles(), norm.scale.tiles(), norm.shift.tiles(), y + offset,
                             length);
        });
    });
}

// Per unit and channel: the sum of the normalization's output gradient dz and
// of dz * (x - mean).
void unitGradientSums(const Layout& layout, const float* x, const float* dy, const Normalization& norm,
                      float* sums, float* products)
{
    const int64_t C = layout.channels;
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const int64_t c = unit % C;
            const Uniform mean = norm.mean.of(c), scale = norm.scale.of(c), shift = norm.shift.of(c);
            const float* in = x + unit * layout.planeSize;
            const float* grad = dy + unit * layout.planeSize;
            float sum = 0, product = 0;
#pragma omp simd reduction(+ : sum, product)
            for (int64_t i = 0; i < layout.planeSize; ++i) {
                const float dz = reluGradient(normalized(in[i], i, mean, scale, shift), grad[i]);
                sum += dz;
                product += dz * (in[i] - mean.value);
            }
            sums[unit] = sum;
            products[unit] = product;
            return;
        }
        std::vector<float> sum(layout.period, 0.0f), product(layout.period, 0.0f);
        forEachPeriod(layout, unit, [&](int64_t offset, int64_t length) {
            float* __restrict sumOf = sum.data();
            float* __restrict productOf = product.data();
            const float* __restrict in = x + offset;
            const float* __restrict grad = dy + offset;
            const Tiled mean = norm.mean.tiles(), scale = norm.scale.tiles(), shift = norm.shift.tiles();
            for (int64_t i = 0; i < length; ++i) {
                const float dz = reluGradient(normalized(in[i], i, mean, scale, shift), grad[i]);
                sumOf[i] += dz;
                productOf[i] += dz * (in[i] - mean[i]);
            }
        });
        fold(layout, sum, sums + unit * C);
        fold(layout, product, products + unit * C);
    });
}

void inputGradient(const Layout& layout, const float* x, const float* dy, const Normalization& norm,
                   const InputGradient& g, float* dx)
{
    forEachUnit(layout, [&](int64_t unit) {
        if (!layout.channelsLast) {
            const int64_t c = unit % layout.channels;
            const int64_t offset = unit * layout.planeSize;
            inputGradientRun(x + offset, dy + offset, norm.mean.of(c), norm.scale.of(c), norm.shift.of(c),
                             g.a.of(c), g.b.of(c), g.d.of(c), dx + offset, layout.planeSize);
            return;
        }
        forEachPeriod(layout, unit, [&](int64_t offset, int64_t length) {
            inputGradientRun(x + offset, dy + offset, norm.mean.tiles(), norm.scale.tiles(), norm.shift.tiles(),
                             g.a.tiles(), g.b.tiles(), g.d.tiles(), dx + offset, length);
        });
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

std::vector<float> valuesOf(const torch::Tensor& tensor)
{
    return std::vector<float>(floats(tensor), floats(tensor) + tensor.numel());
}

// The normalization from the batch's statistics and the module's affine
// parameters, all per channel.
Normalization normalizationOf(const Layout& layout, const torch::Tensor& mean, const torch::Tensor& invstd,
                              const torch::Tensor& weight, const torch::Tensor& bias)
{
    std::vector<float> scale = valuesOf(weight);
    for (int64_t c = 0; c < layout.channels; ++c)
        scale[c] *= floats(invstd)[c];
    return {ChannelValues(layout, valuesOf(mean)), ChannelValues(layout, std::move(scale)),
            ChannelValues(layout, valuesOf(bias))};
}

struct BatchNormRelu : torch::autograd::Function<BatchNormRelu> {
    // runningMean and runningVar are updated in place; they take no gradient.
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias, torch::Tensor runningMean,
                                 torch::Tensor runningVar, double momentum, double eps)
    {
        const Layout layout(x);
        const BatchStatistics statistics = batchStatistics(x, runningMean, runningVar, momentum, eps);
        torch::Tensor y = torch::empty(x.sizes(), x.options().memory_format(layout.format()));
        normalizeRelu(layout, floats(x), normalizationOf(layout, statistics.mean, statistics.invstd, weight, bias),
                      y.data_ptr<float>());

        ctx->save_for_backward({x, weight, bias, statistics.mean, statistics.invstd});
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradients)
    {
        TORCH_CHECK(!at::GradMode::is_enabled(), "the fused BatchNorm2d + ReLU has no double backward");
        const variable_list saved = ctx->get_saved_variables();
        const torch::Tensor& x = saved[0];
        const torch::Tensor& weight = saved[1];
        const torch::Tensor& invstd = saved[4];
        const Layout layout(x);
        const int64_t C = layout.channels;
        const torch::Tensor dy = gradients[0].contiguous(layout.format());
        const Normalization norm = normalizationOf(layout, saved[3], invstd, weight, saved[2]);

        std::vector<float> sums(layout.partialsPerChannel * C), products(sums.size());
        unitGradientSums(layout, floats(x), floats(dy), norm, sums.data(), products.data());
        NormGradients g = normGradients(channelSums(sums, C), channelSums(products, C), weight, invstd,
                                        layout.perChannel);
        torch::Tensor dx;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty(x.sizes(), x.options().memory_format(layout.format()));
            const InputGradient coefficients{ChannelValues(layout, std::move(g.a)), ChannelValues(layout, std::move(g.b)),
                                             ChannelValues(layout, std::move(g.d))};
            inputGradient(layout, floats(x), floats(dy), norm, coefficients, dx.data_ptr<float>());
        }
        return {dx, g.weight, g.bias, {}, {}, {}, {}};
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

void planeMoments(const float* plane, int64_t size, float& mean, float& square)
{
    mean = interleavedSum(size, [&](int64_t i) { return plane[i]; }) / static_cast<float>(size);
    const float centre = mean;
    square = interleavedSum(size, [&](int64_t i) { return (plane[i] - centre) * (plane[i] - centre); });
}

BatchStatistics batchStatistics(const torch::Tensor& x, torch::Tensor runningMean, torch::Tensor runningVar,
                                double momentum, double eps)
{
    const Layout layout(x);
    std::vector<float> means(layout.partialsPerChannel * layout.channels), squares(means.size());
    unitMoments(layout, floats(x), means.data(), squares.data());
    return batchStatistics(x, means, squares, runningMean, runningVar, momentum, eps);
}

BatchStatistics batchStatistics(const torch::Tensor& x, const std::vector<float>& unitMeans,
                                const std::vector<float>& unitSquares, torch::Tensor runningMean,
                                torch::Tensor runningVar, double momentum, double eps)
{
    const Layout layout(x);
    const int64_t C = layout.channels;
    std::vector<double> mean, variance;
    channelMoments(layout, unitMeans.data(), unitSquares.data(), mean, variance);

    std::vector<double> invstd(C);
    const double unbiased = static_cast<double>(layout.perChannel) / static_cast<double>(layout.perChannel - 1);
    float* runningMeans = runningMean.data_ptr<float>();
    float* runningVars = runningVar.data_ptr<float>();
    for (int64_t c = 0; c < C; ++c) {
        invstd[c] = 1.0 / std::sqrt(variance[c] + eps);
        runningMeans[c] = static_cast<float>((1 - momentum) * runningMeans[c] + momentum * mean[c]);
        runningVars[c] = static_cast<float>((1 - momentum) * runningVars[c] + momentum * variance[c] * unbiased);
    }
    return {channelTensor(mean), channelTensor(invstd)};
}

std::vector<double> channelSums(const std::vector<float>& partials, int64_t channels)
{
    std::vector<double> sums(channels, 0.0);
    for (int64_t k = 0; k < static_cast<int64_t>(partials.size()); ++k)
        sums[k % channels] += partials[k];
    return sums;
}

NormGradients normGradients(const std::vector<double>& sums, const std::vector<double>& products,
                            const torch::Tensor& weight, const torch::Tensor& invstd, int64_t count)
{
    const int64_t C = weight.numel();
    NormGradients g{torch::empty({C}, torch::kFloat), torch::empty({C}, torch::kFloat), std::vector<float>(C),
                    std::vector<float>(C), std::vector<float>(C)};
    const double n = static_cast<double>(count);
    for (int64_t c = 0; c < C; ++c) {
        const double inv = floats(invstd)[c];
        g.weight.data_ptr<float>()[c] = static_cast<float>(products[c] * inv);
        g.bias.data_ptr<float>()[c] = static_cast<float>(sums[c]);
        // dx = w*inv * (dz - sum/n - (x - mean) * inv^2 * product/n)
        const double scale = floats(weight)[c] * inv;
        g.a[c] = static_cast<float>(scale);
        g.b[c] = static_cast<float>(-scale * inv * inv * products[c] / n);
        g.d[c] = static_cast<float>(-scale * sums[c] / n);
    }
    return g;
}

void countBatch(torch::nn::BatchNorm2dImpl& norm)
{
    torch::NoGradGuard noGrad;
    norm.num_batches_tracked += 1;
}

torch::Tensor batchNormRelu(const torch::Tensor& input, torch::nn::BatchNorm2dImpl& norm)
{
    countBatch(norm);
    return BatchNormRelu::apply(input, norm.weight, norm.bias, norm.running_mean, norm.running_var,
                                *norm.options.momentum(), norm.options.eps());
}

} // namespace lepton
