// Training from an image folder larger than memory: one epoch with the
// images decoded per batch from their files, then (with --in-memory) the
// same epoch with every decoded image kept in memory, each with the peak
// resident memory of the process so far.
//
//   bench_image_stream DIR [IMAGES [SIDE]] [--in-memory]
//
// DIR receives IMAGES (default 10,000) PNGs of SIDE x SIDE RGB (default 256)
// in 10 class folders the first time; later runs reuse them.
#include "benchkit.h"
#include "data/datasetspec.h"
#include "graph/layerregistry.h"
#include "train/trainer.h"

#include <sys/resource.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb/stb_image_write.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

using namespace lepton;
namespace fs = std::filesystem;

namespace {

constexpr int kClasses = 10;

double peakResidentMB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

// Smooth gradients whose direction depends on the class: small PNGs.
void writeImages(const fs::path& dir, int images, int side)
{
    std::vector<uint8_t> pixels(size_t(side) * size_t(side) * 3);
    stbi_write_png_compression_level = 1;
    for (int i = 0; i < images; ++i) {
        const int label = i % kClasses;
        const double angle = label * 3.14159265 / kClasses;
        for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x) {
                const double t = (x * std::cos(angle) + y * std::sin(angle)) / side;
                uint8_t* pixel = &pixels[(size_t(y) * size_t(side) + size_t(x)) * 3];
                pixel[0] = uint8_t(127 + 120 * std::sin(6 * t + i % 7));
                pixel[1] = uint8_t(255 * std::abs(t) / 1.5);
                pixel[2] = uint8_t((i * 37 + x) & 0xff);
            }
        }
        const fs::path folder = dir / ("class" + std::to_string(label));
        fs::create_directories(folder);
        const std::string file = (folder / (std::to_string(i) + ".png")).string();
        if (!stbi_write_png(file.c_str(), side, side, 3, pixels.data(), side * 3)) {
            std::fprintf(stderr, "cannot write %s\n", file.c_str());
            std::exit(1);
        }
    }
}

// Input -> MaxPool2d(8) -> Flatten -> Linear(10) -> Output: little compute,
// so the figures are the data path's.
Graph network(int side)
{
    return bench::chain({{"Input", {{"shape", {3, side, side}}}},
                         {"MaxPool2d", {{"kernel_size", 8}}},
                         {"Flatten", nlohmann::json::object()},
                         {"Linear", {{"out_features", kClasses}}},
                         {"Output", nlohmann::json::object()}});
}

void trainOneEpoch(const fs::path& dir, int side, const char* decode, int images)
{
    TrainingJob job;
    job.graph = network(side);
    job.dataset.source = "images";
    job.dataset.params = {{"folder", dir.string()}, {"width", side}, {"height", side}, {"channels", "rgb"},
                          {"decode", decode}};
    job.dataset.split = {{"validation", 0.1}};
    job.config.batchSize = 64;
    job.config.epochs = 1;
    Trainer trainer;
    const auto start = std::chrono::steady_clock::now();
    trainer.start(std::move(job));
    for (bool finished = false; !finished;) {
        for (const TrainingEvent& event : trainer.events().waitAndTakeAll(std::chrono::milliseconds(200))) {
            if (event.kind != TrainingEvent::Kind::Finished)
                continue;
            finished = true;
            if (event.state != TrainerState::Finished) {
                std::fprintf(stderr, "training ended %s: %s\n", toString(event.state).c_str(), event.message.c_str());
                std::exit(1);
            }
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const EpochMetrics& epoch = *event.summary.lastEpoch;
            std::printf("%-9s %d images of %dx%d RGB (%.2f GB decoded): load and one epoch %.1f s, "
                        "training %.0f images/s, data wait %.0f%%, peak resident memory %.0f MB\n",
                        decode, images, side, side, double(images) * 3 * side * side / 1e9, seconds,
                        epoch.samplesPerSecond, epoch.dataWaitShare * 100, peakResidentMB());
        }
    }
    trainer.wait();
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    const auto inMemory = std::find(args.begin(), args.end(), "--in-memory");
    const bool alsoInMemory = inMemory != args.end();
    if (alsoInMemory)
        args.erase(inMemory);
    if (args.empty() || args.size() > 3) {
        std::fprintf(stderr, "usage: bench_image_stream DIR [IMAGES [SIDE]] [--in-memory]\n");
        return 2;
    }
    const fs::path dir = args[0];
    const int images = args.size() > 1 ? std::stoi(args[1]) : 10'000;
    const int side = args.size() > 2 ? std::stoi(args[2]) : 256;
    if (!fs::exists(dir / "class0")) {
        const auto start = std::chrono::steady_clock::now();
        writeImages(dir, images, side);
        std::printf("wrote %d PNGs in %.1f s\n", images,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    trainOneEpoch(dir, side, "per_batch", images);
    if (alsoInMemory)
        trainOneEpoch(dir, side, "in_memory", images);
    return 0;
}
