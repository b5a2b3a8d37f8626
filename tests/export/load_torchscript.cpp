// A plain LibTorch program that knows nothing of Lepton: loads a TorchScript
// file, runs it on the probe's input and prints the largest difference from
// the probe's expected output. Usage: load_torchscript MODEL.pt PROBE.pt
#include <torch/script.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: load_torchscript MODEL.pt PROBE.pt\n";
        return 2;
    }
    try {
        torch::jit::Module module = torch::jit::load(argv[1]);
        module.eval();
        std::ifstream file(argv[2], std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        const c10::Dict<c10::IValue, c10::IValue> probe = torch::jit::pickle_load(bytes).toGenericDict();
        torch::NoGradGuard noGrad;
        const torch::Tensor output = module.forward({probe.at("input").toTensor()}).toTensor();
        std::cout << (output - probe.at("expected").toTensor()).abs().max().item<double>() << '\n';
    } catch (const std::exception& error) {
        std::cerr << error.what() << '\n';
        return 1;
    }
    return 0;
}
