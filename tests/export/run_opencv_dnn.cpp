// OpenCV's DNN module as an independent ONNX runtime: runs MODEL.onnx on a
// probe input and prints the largest difference from the expected output.
// Usage: run_opencv_dnn MODEL.onnx INPUT.bin EXPECTED.bin, where each .bin
// holds int64 rank, int64 sizes, then float32 values.
#include <opencv2/dnn.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <vector>

namespace {

cv::Mat readArray(const char* path)
{
    std::ifstream file(path, std::ios::binary);
    int64_t rank = 0;
    file.read(reinterpret_cast<char*>(&rank), sizeof rank);
    std::vector<int> sizes(static_cast<size_t>(rank));
    for (int& size : sizes) {
        int64_t value = 0;
        file.read(reinterpret_cast<char*>(&value), sizeof value);
        size = static_cast<int>(value);
    }
    cv::Mat array(static_cast<int>(rank), sizes.data(), CV_32F);
    file.read(reinterpret_cast<char*>(array.ptr<float>()), static_cast<std::streamsize>(array.total() * sizeof(float)));
    if (!file)
        throw std::runtime_error(std::string(path) + ": truncated");
    return array;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: run_opencv_dnn MODEL.onnx INPUT.bin EXPECTED.bin\n";
        return 2;
    }
    try {
        cv::dnn::Net network = cv::dnn::readNetFromONNX(argv[1]);
        network.setInput(readArray(argv[2]));
        const cv::Mat output = network.forward();
        const cv::Mat expected = readArray(argv[3]);
        if (output.total() != expected.total()) {
            std::cerr << "OpenCV gives " << output.total() << " values, expected " << expected.total() << '\n';
            return 1;
        }
        double largest = 0;
        const float* actual = output.ptr<float>();
        const float* wanted = expected.ptr<float>();
        for (size_t i = 0; i < expected.total(); ++i)
            largest = std::max(largest, std::abs(static_cast<double>(actual[i]) - wanted[i]));
        std::cout << largest << '\n';
    } catch (const std::exception& error) {
        std::cerr << error.what() << '\n';
        return 1;
    }
    return 0;
}
