// Training speed on the CPU: `lepton train` beside the same network, data,
// batch size and optimizer in PyTorch in Python (tests/bench/
// pytorch_reference.py), at its default threading and at every thread count,
// with the machine's fp32 GEMM rate and each model's training FLOPs per
// sample. Run it alone on the machine: it prints figures, it asserts nothing.
//
//   build/bin/bench_training [--python /usr/bin/python3]
#include "graph/layerregistry.h"
#include "model/modelsummary.h"
#include "project/project.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <dlfcn.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Model {
    const char* name;
    const char* project; // relative to the source folder
    int epochs;
};

const Model kModels[] = {
    {"spiral-mlp (batch 32)", "projects/spiral-mlp.lepton", 30},
    {"MLP 784-256-128-10 (batch 128)", "tests/bench/models/fashion-mnist-mlp.lepton", 1},
    {"CNN conv+BN x2, batch 128", "tests/bench/models/fashion-mnist-cnn-batch128.lepton", 1},
    {"fashion-mnist-cnn (batch 32)", "projects/fashion-mnist-cnn.lepton", 1},
};

// What a command prints on stdout; its progress on stderr is dropped.
std::string outputOf(const std::string& command)
{
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>/dev/null").c_str(), "r"), pclose);
    if (!pipe)
        throw std::runtime_error("cannot run " + command);
    std::string output;
    std::array<char, 4096> chunk{};
    while (size_t read = fread(chunk.data(), 1, chunk.size(), pipe.get()))
        output.append(chunk.data(), read);
    return output;
}

// The JSON summary a run prints, nullopt if it failed.
std::optional<nlohmann::json> summaryOf(const std::string& command)
{
    nlohmann::json summary = nlohmann::json::parse(outputOf(command), nullptr, false);
    if (summary.is_discarded() || !summary.contains("samples_per_second"))
        return std::nullopt;
    return summary;
}

std::optional<double> samplesPerSecond(const std::string& command)
{
    const std::optional<nlohmann::json> summary = summaryOf(command);
    return summary ? std::optional((*summary)["samples_per_second"].get<double>()) : std::nullopt;
}

void setBlasThreads(int threads)
{
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(threads);
}

// fp32 GFLOP/s of a 1024x1024 matrix product on `threads` threads, the best of five.
double gemmGflops(int threads)
{
    at::set_num_threads(threads);
    setBlasThreads(threads);
    const torch::Tensor a = torch::randn({1024, 1024});
    const torch::Tensor b = torch::randn({1024, 1024});
    torch::Tensor c = torch::mm(a, b);
    double best = 0.0;
    for (int round = 0; round < 5; ++round) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 4; ++i)
            torch::mm_out(c, a, b);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::max(best, 4 * 2.0 * 1024 * 1024 * 1024 / seconds / 1e9);
    }
    return best;
}

std::string fixed(double value, int decimals = 0)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string python = argc > 2 && std::string(argv[1]) == "--python" ? argv[2] : "/usr/bin/python3";
    const std::string source = LEPTON_SOURCE_DIR;
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

    std::cout << "fp32 GEMM 1024x1024:";
    std::vector<double> gemm(cores + 1, 0.0);
    for (int threads = 1; threads <= cores; ++threads) {
        gemm[threads] = gemmGflops(threads);
        std::cout << "  " << threads << " thread(s) " << fixed(gemm[threads], 1) << " GFLOP/s";
    }
    std::cout << "\nthe ceiling: " << fixed(gemm[cores], 1) << " GFLOP/s on all " << cores << " cores\n\n";

    for (const Model& model : kModels) {
        const std::string path = source + "/" + model.project;
        const lepton::Project project = lepton::loadProject(path, lepton::LayerRegistry::builtin());
        // Forward 2 FLOPs per multiply-add; backward twice the forward.
        const double flops = 6.0 * static_cast<double>(
                                       lepton::summarizeModel(project.graph, lepton::LayerRegistry::builtin()).macs);
        const std::string epochs = " --epochs " + std::to_string(model.epochs);
        const std::optional<nlohmann::json> leptonRun =
            summaryOf(std::string(LEPTON_CLI) + " train " + path + epochs + " --json");
        const std::optional<double> lepton =
            leptonRun ? std::optional((*leptonRun)["samples_per_second"].get<double>()) : std::nullopt;
        const std::string reference = python + " " + source + "/tests/bench/pytorch_reference.py " + path + epochs
            + " --json";
        const std::optional<double> pythonDefault = samplesPerSecond(reference);
        std::optional<double> pythonBest;
        int bestThreads = 0;
        std::string perThread;
        for (int threads = 1; threads <= cores; ++threads) {
            const std::optional<double> rate = samplesPerSecond(reference + " --threads " + std::to_string(threads));
            perThread += "  " + std::to_string(threads) + ": " + (rate ? fixed(*rate) : "failed");
            if (rate && (!pythonBest || *rate > *pythonBest)) {
                pythonBest = rate;
                bestThreads = threads;
            }
        }
        std::cout << model.name << ", " << model.epochs << " epoch(s), " << fixed(flops / 1e6, 2)
                  << " MFLOP per training sample\n"
                  << "  lepton " << (lepton ? fixed(*lepton) : "failed") << " samples/s";
        if (lepton)
            std::cout << " (threads: " << (*leptonRun)["threads"] << " for layers, " << (*leptonRun)["blas_threads"]
                      << " for matrix products) = " << fixed(*lepton * flops / 1e9, 2) << " GFLOP/s, "
                      << fixed(*lepton * flops / 1e9 / gemm[cores], 2) << " of the GEMM ceiling";
        std::cout << "\n  python default threading " << (pythonDefault ? fixed(*pythonDefault) : "failed")
                  << " samples/s; by threads" << perThread << "\n";
        if (lepton && pythonBest)
            std::cout << "  lepton / best python (" << bestThreads << " thread(s)): " << fixed(*lepton / *pythonBest, 2)
                      << "x\n";
        std::cout << std::endl;
    }
}
