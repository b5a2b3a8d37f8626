// The engine's own CPU kernels against LibTorch's operations, one training
// step (forward and backward) at the sizes of the Fashion-MNIST CNN's two
// blocks at batch 128, on one and two threads:
//   - BatchNorm2d + ReLU (core/model/batchnormrelu.cpp), NCHW and channels-last;
//   - 2x2 max pooling (core/model/tiledmaxpool.cpp), NCHW;
//   - the three as one (core/model/batchnormrelupool.cpp), NCHW.
//   build/bin/bench_layerkernels
#include "model/batchnormrelu.h"
#include "model/batchnormrelupool.h"
#include "model/tiledmaxpool.h"
#include "train/runenvironment.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

// Milliseconds per step: the median of 7 rounds of 20 steps.
double msPerStep(const std::function<void()>& step)
{
    for (int i = 0; i < 5; ++i)
        step();
    std::vector<double> rounds;
    for (int round = 0; round < 7; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 20; ++i)
            step();
        rounds.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / 20);
    }
    std::nth_element(rounds.begin(), rounds.begin() + 3, rounds.end());
    return rounds[3];
}

void printRow(const char* kernel, const std::vector<int64_t>& shape, bool channelsLast, int threads, double theirs,
              double ours)
{
    std::string size;
    for (int64_t extent : shape)
        size += (size.empty() ? "" : "x") + std::to_string(extent);
    std::printf("%-15s %-14s %-14s %7d %11.2f ms %7.2f ms %7.2fx\n", kernel, size.c_str(),
                channelsLast ? "channels-last" : "NCHW", threads, theirs, ours, theirs / ours);
}

} // namespace

int main()
{
    lepton::keepFreedMemory(); // as a training run does
    std::printf("%-15s %-14s %-14s %7s %14s %10s %8s\n", "kernel", "activations", "layout", "threads", "LibTorch",
                "ours", "speed-up");
    const std::vector<std::vector<int64_t>> shapes = {{128, 32, 28, 28}, {128, 64, 14, 14}};
    for (const std::vector<int64_t>& shape : shapes) {
        for (const bool channelsLast : {false, true}) {
            for (const int threads : {1, 2}) {
                torch::set_num_threads(threads);
                torch::nn::BatchNorm2d norm(shape[1]);
                torch::Tensor x = torch::randn(shape);
                if (channelsLast)
                    x = x.contiguous(torch::MemoryFormat::ChannelsLast);
                x.requires_grad_(true);
                const torch::Tensor upstream = torch::randn(shape).contiguous(x.suggest_memory_format());
                const double theirs = msPerStep([&] { torch::relu(norm->forward(x)).backward(upstream); });
                const double ours = msPerStep([&] { lepton::batchNormRelu(x, *norm).backward(upstream); });
                printRow("BatchNorm+ReLU", shape, channelsLast, threads, theirs, ours);
            }
        }
    }
    for (const std::vector<int64_t>& shape : shapes) {
        for (const int threads : {1, 2}) {
            torch::set_num_threads(threads);
            const torch::Tensor x = torch::randn(shape).requires_grad_(true);
            const torch::Tensor upstream = torch::randn({shape[0], shape[1], shape[2] / 2, shape[3] / 2});
            const double theirs = msPerStep([&] { torch::max_pool2d(x, 2, 2).backward(upstream); });
            const double ours = msPerStep([&] { lepton::tiledMaxPool2d(x, 2).backward(upstream); });
            printRow("MaxPool 2x2", shape, false, threads, theirs, ours);
        }
    }
    for (const std::vector<int64_t>& shape : shapes) {
        for (const int threads : {1, 2}) {
            torch::set_num_threads(threads);
            torch::nn::BatchNorm2d norm(shape[1]);
            const torch::Tensor x = torch::randn(shape).requires_grad_(true);
            const torch::Tensor upstream = torch::randn({shape[0], shape[1], shape[2] / 2, shape[3] / 2});
            const double theirs
                = msPerStep([&] { torch::max_pool2d(torch::relu(norm->forward(x)), 2, 2).backward(upstream); });
            const double ours = msPerStep([&] { lepton::batchNormReluPool(x, *norm, 2).backward(upstream); });
            printRow("BN+ReLU+MaxPool", shape, false, threads, theirs, ours);
        }
    }
}
