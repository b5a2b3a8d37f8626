// The IDX importer: readIdx and loadIdxDataset on fuzzed files. The input is
// two files, each plain or gzip-compressed:
//   [2 bytes: images size N, big-endian][N bytes: images][rest: labels]
// DataError is the reader's refusal; anything else that escapes is a finding.
#include "data/idxreader.h"
#include "memoryfile.h"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const size_t imagesSize = std::min<size_t>((size_t(data[0]) << 8) | data[1], size - 2);
    const lepton::fuzz::MemoryFile images(data + 2, imagesSize);
    const lepton::fuzz::MemoryFile labels(data + 2 + imagesSize, size - 2 - imagesSize);
    // loadIdxDataset stops at a bad image file; the labels get their own read.
    try {
        lepton::readIdx(labels.path());
    } catch (const lepton::DataError&) {
    }
    try {
        lepton::loadIdxDataset(images.path(), labels.path());
    } catch (const lepton::DataError&) {
    }
    return 0;
}
