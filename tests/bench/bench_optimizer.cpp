// One Adam step over the parameters of two of the benchmark networks:
// LibTorch's own step against the fused one (core/train/fusedadam.cpp), on
// one thread, as the thread plan runs these networks.
//   build/bin/bench_optimizer
#include "train/fusedadam.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// Weights and biases of a chain of Linear layers of these widths.
std::vector<torch::Tensor> mlpParameters(const std::vector<int64_t>& widths)
{
    std::vector<torch::Tensor> parameters;
    for (size_t i = 1; i < widths.size(); ++i) {
        for (torch::Tensor tensor : {torch::randn({widths[i], widths[i - 1]}), torch::randn({widths[i]})}) {
            tensor.set_requires_grad(true);
            tensor.mutable_grad() = torch::randn_like(tensor);
            parameters.push_back(tensor);
        }
    }
    return parameters;
}

// Milliseconds per step: the median of 9 rounds of 200 steps.
double msPerStep(torch::optim::Optimizer& optimizer)
{
    for (int i = 0; i < 50; ++i)
        optimizer.step();
    std::vector<double> rounds;
    for (int round = 0; round < 9; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 200; ++i)
            optimizer.step();
        rounds.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
                         / 200);
    }
    std::nth_element(rounds.begin(), rounds.begin() + 4, rounds.end());
    return rounds[4];
}

} // namespace

int main()
{
    torch::set_num_threads(1);
    struct Network {
        const char* name;
        std::vector<int64_t> widths;
    };
    std::printf("%-26s %10s %14s %12s %8s\n", "network", "parameters", "LibTorch Adam", "fused Adam", "speed-up");
    for (const Network& network : {Network{"MLP 784-256-128-10", {784, 256, 128, 10}},
                                   Network{"spiral-mlp 2-64-64-3", {2, 64, 64, 3}}}) {
        std::vector<torch::Tensor> theirs = mlpParameters(network.widths);
        std::vector<torch::Tensor> ours = mlpParameters(network.widths);
        int64_t count = 0;
        for (const torch::Tensor& tensor : ours)
            count += tensor.numel();
        torch::optim::Adam libtorch(theirs, torch::optim::AdamOptions(1e-3));
        lepton::FusedAdam fused(ours, torch::optim::AdamOptions(1e-3));
        const double before = msPerStep(libtorch);
        const double after = msPerStep(fused);
        std::printf("%-26s %10lld %11.3f ms %9.3f ms %7.1fx\n", network.name, static_cast<long long>(count), before,
                    after, before / after);
    }
}
