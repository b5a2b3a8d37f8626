#include "train/fusedadam.h"

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <cmath>

namespace lepton {

namespace {

// Elements per task when the update is split between threads: below this a
// task would cost more to hand out than to run.
constexpr int64_t kGrain = 32768;

struct AdamConstants {
    float beta1, beta2, eps;
    float stepSize;        // lr / (1 - beta1^step)
    float biasRoot;        // sqrt(1 - beta2^step)
    float coupledDecay;    // Adam: weight decay added to the gradient
    float decoupledScale;  // AdamW: the parameter shrunk by this first
};

// One pass of LibTorch's Adam/AdamW update over `size` elements, in the same
// order of operations, so results agree to float rounding. Built with
// -fno-math-errno, so the square roots vectorize.
void updateRange(float* __restrict param, const float* __restrict grad, float* __restrict average,
                 float* __restrict squares, int64_t size, const AdamConstants& c)
{
    for (int64_t i = 0; i < size; ++i) {
        const float p = param[i] * c.decoupledScale;
        const float g = grad[i] + c.coupledDecay * p;
        const float m = average[i] * c.beta1 + (1.0f - c.beta1) * g;
        const float v = squares[i] * c.beta2 + (1.0f - c.beta2) * g * g;
        average[i] = m;
        squares[i] = v;
        param[i] = p - c.stepSize * (m / (std::sqrt(v) / c.biasRoot + c.eps));
    }
}

template <typename State>
void updateParameter(torch::Tensor& param, State& state, const AdamConstants& c)
{
    float* values = param.data_ptr<float>();
    const float* grads = param.grad().data_ptr<float>();
    const torch::Tensor& average = state.exp_avg();
    const torch::Tensor& square = state.exp_avg_sq();
    float* averages = average.data_ptr<float>();
    float* squares = square.data_ptr<float>();
    at::parallel_for(0, param.numel(), kGrain, [&](int64_t begin, int64_t end) {
        updateRange(values + begin, grads + begin, averages + begin, squares + begin, end - begin, c);
    });
}

// A float32 CPU tensor laid out element for element like `param` (row-major
// or channels-last alike), so one pass can walk both buffers in step. Strides
// of dims of size 1 do not matter: a 1x1 convolution's weight is both
// layouts at once, and its gradient may come with the other one's strides.
bool isDenseCpuFloatLike(const torch::Tensor& tensor, const torch::Tensor& param)
{
    if (!tensor.defined() || tensor.is_sparse() || !tensor.device().is_cpu() || tensor.scalar_type() != torch::kFloat
        || !tensor.is_non_overlapping_and_dense() || tensor.sizes() != param.sizes())
        return false;
    for (int64_t d = 0; d < tensor.dim(); ++d) {
        if (tensor.size(d) > 1 && tensor.stride(d) != param.stride(d))
            return false;
    }
    return true;
}

using StateMap = ska::flat_hash_map<std::string, std::unique_ptr<torch::optim::OptimizerParamState>>;

std::string stateKey(const torch::Tensor& param)
{
    return c10::guts::to_string(param.unsafeGetTensorImpl());
}

// Whether every parameter with a gradient, and its state so far, can take
// the fused update; a step is taken one way or the other as a whole.
template <typename Options, typename State>
bool fusable(std::vector<torch::optim::OptimizerParamGroup>& groups, const StateMap& states)
{
    for (auto& group : groups) {
        if (static_cast<Options&>(group.options()).amsgrad())
            return false;
        for (const torch::Tensor& param : group.params()) {
            if (!param.grad().defined())
                continue;
            if (!isDenseCpuFloatLike(param, param) || !isDenseCpuFloatLike(param.grad(), param))
                return false;
            const auto found = states.find(stateKey(param));
            if (found != states.end()) {
                const auto& state = static_cast<const State&>(*found->second);
                if (!isDenseCpuFloatLike(state.exp_avg(), param) || !isDenseCpuFloatLike(state.exp_avg_sq(), param))
                    return false;
            }
        }
    }
    return true;
}

// The shared body of both steps; `decoupled` says AdamW.
template <typename Options, typename State>
void fusedStep(std::vector<torch::optim::OptimizerParamGroup>& groups, StateMap& states, bool decoupled)
{
    torch::NoGradGuard noGrad;
    for (auto& group : groups) {
        const auto& options = static_cast<const Options&>(group.options());
        const auto [beta1, beta2] = options.betas();
        for (torch::Tensor& param : group.params()) {
            if (!param.grad().defined())
                continue;
            // Keyed and initialized as LibTorch's own step does, which
            // serialization and the unfused step rely on.
            const std::string key = stateKey(param);
            auto found = states.find(key);
            if (found == states.end()) {
                auto fresh = std::make_unique<State>();
                fresh->step(0);
                fresh->exp_avg(torch::zeros_like(param, torch::MemoryFormat::Preserve));
                fresh->exp_avg_sq(torch::zeros_like(param, torch::MemoryFormat::Preserve));
                found = states.emplace(key, std::move(fresh)).first;
            }
            auto& state = static_cast<State&>(*found->second);
            state.step(state.step() + 1);
            const double step = static_cast<double>(state.step());
            AdamConstants constants;
            constants.beta1 = static_cast<float>(beta1);
            constants.beta2 = static_cast<float>(beta2);
            constants.eps = static_cast<float>(options.eps());
            constants.stepSize = static_cast<float>(options.lr() / (1.0 - std::pow(beta1, step)));
            constants.biasRoot = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
            constants.coupledDecay = decoupled ? 0.0f : static_cast<float>(options.weight_decay());
            constants.decoupledScale = decoupled ? static_cast<float>(1.0 - options.lr() * options.weight_decay()) : 1.0f;
            updateParameter(param, state, constants);
        }
    }
}

} // namespace

template <typename Base, typename Options, typename State, bool Decoupled>
torch::Tensor FusedAdamStep<Base, Options, State, Decoupled>::step(typename Base::LossClosure closure)
{
    m_fused = !closure && fusable<Options, State>(this->param_groups_, this->state_);
    if (!m_fused)
        return Base::step(std::move(closure));
    fusedStep<Options, State>(this->param_groups_, this->state_, Decoupled);
    return {};
}

template class FusedAdamStep<torch::optim::Adam, torch::optim::AdamOptions, torch::optim::AdamParamState, false>;
template class FusedAdamStep<torch::optim::AdamW, torch::optim::AdamWOptions, torch::optim::AdamWParamState, true>;

} // namespace lepton
