#include "model/onednnlinear.h"

#ifdef LEPTON_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
#endif
#include <torch/autograd.h>

namespace lepton {

namespace {

#ifdef LEPTON_ONEDNN
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

const float* floats(const torch::Tensor& tensor)
{
    return tensor.data_ptr<float>();
}

// c = op(a) * op(b) over row-major matrices, op transposing where asked.
void multiply(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k, const torch::Tensor& a,
              const torch::Tensor& b, torch::Tensor& c)
{
    const dnnl_status_t status = dnnl_sgemm(transposeA ? 'T' : 'N', transposeB ? 'T' : 'N', m, n, k, 1.0f,
                                            floats(a), a.size(1), floats(b), b.size(1), 0.0f,
                                            c.data_ptr<float>(), c.size(1));
    TORCH_CHECK(status == dnnl_success, "oneDNN's matrix product failed: ", dnnl_status2str(status));
}

// A layer without bias passes an empty tensor for it: autograd functions
// take no undefined tensors.
struct OneDnnLinear : torch::autograd::Function<OneDnnLinear> {
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 const torch::Tensor& bias)
    {
        const int64_t rows = x.size(0), in = x.size(1), out = weight.size(0);
        torch::Tensor y = torch::empty({rows, out}, x.options());
        multiply(false, true, rows, out, in, x, weight, y);
        const bool hasBias = bias.numel() > 0;
        if (hasBias)
            y.add_(bias);
        ctx->save_for_backward({x, weight});
        ctx->saved_data["bias"] = hasBias;
        return y;
    }

    static variable_list backward(AutogradContext* ctx, variable_list gradients)
    {
        TORCH_CHECK(!at::GradMode::is_enabled(), "the oneDNN Linear has no double backward");
        const variable_list saved = ctx->get_saved_variables();
        const torch::Tensor& x = saved[0];
        const torch::Tensor& weight = saved[1];
        const int64_t rows = x.size(0), in = x.size(1), out = weight.size(0);
        const torch::Tensor dy = gradients[0].contiguous();
        torch::Tensor dx, dWeight, dBias;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty_like(x);
            multiply(false, false, rows, in, out, dy, weight, dx);
        }
        if (ctx->needs_input_grad(1)) {
            dWeight = torch::empty_like(weight);
            multiply(true, false, out, in, rows, dy, x, dWeight);
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
#endif

} // namespace

#ifdef LEPTON_ONEDNN
bool oneDnnLinearBuilt()
{
    return true;
}

bool oneDnnLinearApplies(const torch::Tensor& input, const torch::nn::LinearImpl& linear)
{
    return input.dim() >= 2 && input.numel() > 0 && input.size(-1) == linear.weight.size(1) && isCpuFloat(input)
        && isCpuFloat(linear.weight) && (!linear.bias.defined() || isCpuFloat(linear.bias));
}

torch::Tensor oneDnnLinear(const torch::Tensor& input, torch::nn::LinearImpl& linear)
{
    // Leading dimensions (a sequence's positions) become rows of one product.
    const torch::Tensor rows = input.reshape({-1, input.size(-1)});
    const torch::Tensor output = OneDnnLinear::apply(
        rows, linear.weight, linear.bias.defined() ? linear.bias : torch::empty({0}, input.options()));
    std::vector<int64_t> shape = input.sizes().vec();
    shape.back() = linear.weight.size(0);
    return output.view(shape);
}
#else
bool oneDnnLinearBuilt()
{
    return false;
}

bool oneDnnLinearApplies(const torch::Tensor&, const torch::nn::LinearImpl&)
{
    return false;
}

torch::Tensor oneDnnLinear(const torch::Tensor&, torch::nn::LinearImpl&)
{
    TORCH_CHECK(false, "this build has no oneDNN Linear");
}
#endif

} // namespace lepton
