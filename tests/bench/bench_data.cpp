// Data loading figures: CSV parsing, NPY reading, Fashion-MNIST loading and
// its peak memory, image-folder decoding. Compare with numpy and Python's
// csv module on the same files: tests/bench/data_reference.py DIR.
//
//   bench_data [DIR]   writes bench.csv and bench.npy into DIR (default: a
//                      temporary folder, removed afterwards)
#include "data/csvreader.h"
#include "data/datasetspec.h"
#include "data/imagefolder.h"
#include "data/npyreader.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

using namespace lepton;
namespace fs = std::filesystem;

namespace {

double secondsOf(const std::function<void()>& work, int repeats = 3)
{
    double best = 1e30;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

double peakResidentMB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

// 1,000,000 rows of eight numbers and a class: about 60 MB.
void writeCsv(const fs::path& file)
{
    std::mt19937_64 rng(1);
    std::normal_distribution<double> value(0.0, 10.0);
    std::ofstream out(file);
    out << "a,b,c,d,e,f,g,h,label\n";
    char cell[32];
    for (int row = 0; row < 1'000'000; ++row) {
        for (int column = 0; column < 8; ++column) {
            std::snprintf(cell, sizeof cell, "%.4f,", value(rng));
            out << cell;
        }
        out << row % 10 << '\n';
    }
}

// float32 [25000, 1000]: 100 MB.
void writeNpy(const fs::path& file)
{
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (25000, 1000), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    std::ofstream out(file, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t length = static_cast<uint16_t>(header.size());
    out.put(char(length & 0xFF)).put(char(length >> 8));
    out << header;
    std::vector<float> row(1000);
    for (int i = 0; i < 25000; ++i) {
        std::fill(row.begin(), row.end(), float(i));
        out.write(reinterpret_cast<const char*>(row.data()), std::streamsize(row.size() * 4));
    }
}

} // namespace

int main(int argc, char** argv)
{
    // Fashion-MNIST first, so the peak resident memory is its own.
    const std::string fashion = "/usr/share/datasets/fashion-mnist/";
    if (fs::exists(fashion + "train-images-idx3-ubyte.gz")) {
        DatasetSpec spec;
        spec.source = "idx";
        spec.params = {{"train_images", fashion + "train-images-idx3-ubyte.gz"},
                       {"train_labels", fashion + "train-labels-idx1-ubyte.gz"},
                       {"test_images", fashion + "t10k-images-idx3-ubyte.gz"},
                       {"test_labels", fashion + "t10k-labels-idx1-ubyte.gz"}};
        const double before = peakResidentMB();
        const double seconds = secondsOf([&] { loadDataset(spec, {}); }, 1);
        std::printf("Fashion-MNIST 60k+10k from .gz: %.0f ms, peak resident memory %.0f MB (%.0f MB before)\n",
                    seconds * 1000, peakResidentMB(), before);
    }

    const bool keep = argc > 1;
    const fs::path dir = keep ? fs::path(argv[1]) : fs::temp_directory_path() / "lepton-bench-data";
    fs::create_directories(dir);
    const fs::path csv = dir / "bench.csv";
    const fs::path npy = dir / "bench.npy";
    if (!fs::exists(csv))
        writeCsv(csv);
    if (!fs::exists(npy))
        writeNpy(npy);

    const double csvMB = double(fs::file_size(csv)) / 1e6;
    const double csvSeconds = secondsOf([&] { readCsv(csv.string(), {}); });
    std::printf("CSV %.0f MB, 1M rows x 9 columns: %.0f ms, %.0f MB/s\n", csvMB, csvSeconds * 1000,
                csvMB / csvSeconds);

    const double npyMB = double(fs::file_size(npy)) / 1e6;
    const double npySeconds = secondsOf([&] { readNpy(npy.string()); });
    std::printf("NPY %.0f MB float32: %.0f ms, %.0f MB/s\n", npyMB, npySeconds * 1000, npyMB / npySeconds);

    const fs::path shapes = fs::path(LEPTON_SOURCE_DIR) / "projects/data/shapes";
    if (fs::is_directory(shapes)) {
        ImageFolderOptions options;
        options.root = shapes.string();
        const int64_t images = listImageFolder(options.root).imageCount();
        const double seconds = secondsOf([&] { loadImageFolder(options); });
        std::printf("image folder, %lld PNGs 32x32: %.0f ms, %.0f images/s\n", (long long)images,
                    seconds * 1000, double(images) / seconds);
    }
    if (!keep)
        fs::remove_all(dir);
    return 0;
}
